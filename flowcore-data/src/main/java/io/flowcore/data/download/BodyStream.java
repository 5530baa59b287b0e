package io.flowcore.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/*
 * A response body as an InputStream whose reads give up after a silence.
 *
 * Why: the JDK HttpClient's request timeout covers the response headers only; a read on the
 * InputStream of BodyHandlers.ofInputStream() waits for ever when the server stalls mid-body. Here
 * the body arrives through the client's Flow.Publisher (BodyHandlers.ofPublisher()) into a queue,
 * one item requested at a time (so at most one buffer list waits), and a read polls that queue with
 * the idle timeout. When it expires the subscription is cancelled (the client closes the connection)
 * and the read throws, naming the URL, the silence and the bytes received. An error from the client
 * (a dropped connection, a chunked body without its last chunk) is thrown by the read that reaches
 * it; only onComplete ends the stream with -1.
 */
final class BodyStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(); // List<ByteBuffer>, Throwable or END
    private final URI uri;
    private final Duration idleTimeout;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
    private ByteBuffer current = ByteBuffer.allocate(0);
    private boolean ended;
    private long received;

    BodyStream(URI uri, Duration idleTimeout) {
        this.uri = uri;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) s.cancel();
        else s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (!current.hasRemaining()) {
            if (buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (ended) return -1;
            takeNext();
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        received += n;
        return n;
    }

    private void takeNext() throws IOException {
        Object item;
        try {
            item = queue.poll(idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new InterruptedIOException("interrupted while reading " + uri);
        }
        if (item == null) {
            close();
            throw new IOException("no data for " + idleTimeout.toMillis() + " ms after " + received
                    + " bytes of the body of " + uri + " (bodyIdleTimeout)");
        }
        if (item == END) {
            ended = true;
        } else if (item instanceof Throwable t) {
            ended = true;
            throw new IOException("the body of " + uri + " broke off after " + received + " bytes: " + t, t);
        } else {
            @SuppressWarnings("unchecked")
            List<ByteBuffer> list = (List<ByteBuffer>) item;
            buffers = list.iterator();
            subscription.request(1);
        }
    }

    /** Cancels the subscription: the client closes the connection if the body is not finished. */
    @Override
    public void close() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) s.cancel();
    }
}
