package io.flowcore.engine.internal.run;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * {@code logPrints}: once installed, {@code System.out}/{@code System.err} lines printed on a thread
 * whose run asked for it go to that run's logger (INFO for out, WARN for err); all other output
 * passes through unchanged.
 */
final class OutputCapture extends OutputStream {
    private static volatile boolean installed;

    private final PrintStream original;
    private final boolean err;
    private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    private OutputCapture(PrintStream original, boolean err) {
        this.original = original;
        this.err = err;
    }

    static void install() {
        if (installed) return;
        synchronized (OutputCapture.class) {
            if (installed) return;
            Charset cs = System.out.charset();
            System.setOut(new PrintStream(new OutputCapture(System.out, false), true, cs));
            System.setErr(new PrintStream(new OutputCapture(System.err, true), true, cs));
            installed = true;
        }
    }

    private static ExecutionContext capturing() {
        ExecutionContext c = EngineRuntime.current();
        return c != null && c.logPrints ? c : null;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ExecutionContext c = capturing();
        if (c == null) {
            original.write(b, off, len);
            return;
        }
        ByteArrayOutputStream buf = line.get();
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                emit(c, buf);
            } else {
                buf.write(b[i]);
            }
        }
    }

    private void emit(ExecutionContext c, ByteArrayOutputStream buf) {
        String text = buf.toString(original.charset()).stripTrailing();
        buf.reset();
        if (err) c.log().warn(text);
        else c.log().info(text);
    }

    @Override
    public void flush() {
        ExecutionContext c = capturing();
        if (c == null) original.flush();
    }
}
