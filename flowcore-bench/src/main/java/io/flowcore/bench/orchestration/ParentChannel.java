package io.flowcore.bench.orchestration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/** The child's side of {@link ChildJvms}' line protocol. */
final class ParentChannel {
    private static final BufferedReader IN = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private ParentChannel() {
    }

    static void ready() {
        System.out.println(ChildJvms.READY);
        System.out.flush();
    }

    /** Prints {@code EXECUTED <count>} whenever the count changed, every 50 ms, until interrupted. */
    static void reportProgress(LongSupplier count) {
        long last = -1;
        while (!Thread.currentThread().isInterrupted()) {
            long now = count.getAsLong();
            if (now != last) {
                System.out.println(ChildJvms.EXECUTED + now);
                System.out.flush();
                last = now;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Blocks until the parent sends {@code word}; a closed stdin (the parent died) counts as STOP. */
    static void await(String word) throws IOException {
        for (String line; (line = IN.readLine()) != null; ) {
            if (line.equals(word)) return;
        }
        if (!word.equals(ChildJvms.STOP)) throw new IOException("the parent closed stdin before sending " + word);
    }
}
