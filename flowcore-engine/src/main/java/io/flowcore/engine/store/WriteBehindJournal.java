package io.flowcore.engine.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One journal file per open store: <dir>/journal-<uuid>.bin, locked (FileChannel.tryLock) for as long
 * as the store is open. Layout: the 4-byte magic "FCJ1", then records of
 *   int payloadLength, int crc32(payload), payload (OpCodec)
 * written with one write(2) each and never forced: the page cache survives a kill -9 of the process,
 * not a power loss or an OS crash.
 *
 * The file is created as journal-<uuid>.tmp, locked, then renamed, so a file another process can see
 * under the .bin name is always locked by its owner while the owner lives. A replaying store opens only
 * .bin files whose lock it can take, i.e. whose owner is gone. Within one JVM the lock table makes
 * tryLock throw OverlappingFileLockException; on Linux closing *any* descriptor of a file drops the
 * process's POSIX locks on it, so the live journals of this JVM are also kept in LIVE and never opened.
 *
 * Data is written with RandomAccessFile.write rather than FileChannel.write on purpose: a FileChannel is
 * closed (and its lock lost) when a thread blocked in it is interrupted, and engine threads get
 * interrupted by timeouts and cancellation. RandomAccessFile.write is not interruptible.
 *
 * Not thread-safe: the GroupCommitWriter calls append and truncate under its lock.
 */
final class WriteBehindJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindJournal.class);
    private static final int MAGIC = 0x46434A31; // "FCJ1"
    private static final int HEADER = 4;
    private static final int RECORD_HEADER = 8;
    private static final int MAX_RECORD = 256 << 20;
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final RandomAccessFile raf;
    private final FileLock lock;
    private final OpCodec.Encoder encoder = new OpCodec.Encoder();
    private final CRC32 crc = new CRC32();
    private final long origin;
    private long size;

    private WriteBehindJournal(Path file, RandomAccessFile raf, FileLock lock, long origin) {
        this.file = file;
        this.raf = raf;
        this.lock = lock;
        this.origin = origin;
        this.size = HEADER;
    }

    /** Creates and locks a new, empty journal in {@code dir}. */
    static WriteBehindJournal create(Path dir) throws IOException {
        Files.createDirectories(dir);
        UUID id = UUID.randomUUID();
        Path tmp = dir.resolve("journal-" + id + ".tmp");
        Path file = dir.resolve("journal-" + id + ".bin");
        // Both names are live before the file exists: a store replaying in this JVM must not open (and
        // delete) the .tmp in the moment between its creation and its lock.
        LIVE.add(tmp.toAbsolutePath());
        LIVE.add(file.toAbsolutePath());
        RandomAccessFile raf = null;
        try {
            raf = new RandomAccessFile(tmp.toFile(), "rw");
            FileLock lock = raf.getChannel().tryLock();
            if (lock == null) throw new IOException("cannot lock the new journal " + tmp);
            raf.writeInt(MAGIC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            LIVE.remove(tmp.toAbsolutePath());
            return new WriteBehindJournal(file, raf, lock, id.getMostSignificantBits() ^ id.getLeastSignificantBits());
        } catch (IOException | RuntimeException e) {
            LIVE.remove(tmp.toAbsolutePath());
            LIVE.remove(file.toAbsolutePath());
            if (raf != null) raf.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** A number that identifies this journal's writer; part of each log line's idempotency key. */
    long origin() {
        return origin;
    }

    long size() {
        return size;
    }

    /** Appends one record with one write; on failure the file is cut back so no torn record stays behind. */
    void append(StoreOp op) {
        OpCodec.Encoder e = encoder;
        e.reset(RECORD_HEADER);
        e.encode(op);
        int payload = e.pos - RECORD_HEADER;
        crc.reset();
        crc.update(e.buf, RECORD_HEADER, payload);
        e.putIntAt(0, payload);
        e.putIntAt(4, (int) crc.getValue());
        try {
            raf.write(e.buf, 0, e.pos);
            size += e.pos;
        } catch (IOException ex) {
            try {
                raf.setLength(size);
                raf.seek(size);
            } catch (IOException suppressed) {
                ex.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot append to the state store journal " + file, ex);
        }
        if (e.buf.length > 1 << 20) e.buf = new byte[1024]; // do not keep a huge log message's buffer
    }

    /** Drops every record; call only when all of them are committed to the database. */
    void truncate() {
        try {
            raf.setLength(HEADER);
            raf.seek(HEADER);
            size = HEADER;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate the state store journal " + file, e);
        }
    }

    /** Closes and deletes the journal: everything in it is committed. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the state store journal {}", file, e);
        }
        abandon();
    }

    /** Closes the journal but leaves the file for the next open to replay (the writes were not applied). */
    void abandon() {
        try {
            lock.release();
            raf.close();
        } catch (IOException e) {
            LOG.warn("cannot close the state store journal {}", file, e);
        } finally {
            LIVE.remove(file.toAbsolutePath());
        }
    }

    /** Receives the operations of a leftover journal, in order, in chunks; must apply them durably. */
    @FunctionalInterface
    interface Replayer {
        void apply(List<StoreOp> ops) throws Exception;
    }

    /**
     * Replays every journal in {@code dir} whose owner is gone (its lock can be taken), then deletes it.
     * A torn or corrupt tail (the process died mid-write) ends that journal's replay. Returns the number
     * of operations replayed.
     */
    static long replayLeftovers(Path dir, int chunk, Replayer replayer) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "journal-*.{bin,tmp}")) {
            ds.forEach(candidates::add);
        }
        long total = 0;
        for (Path p : candidates) {
            if (LIVE.contains(p.toAbsolutePath())) continue;
            total += replayOne(p, chunk, replayer);
        }
        return total;
    }

    private static long replayOne(Path p, int chunk, Replayer replayer) throws Exception {
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(p.toFile(), "rw");
        } catch (IOException gone) {
            return 0; // deleted meanwhile by its owner or another replayer
        }
        try (raf) {
            FileLock lock;
            try {
                lock = raf.getChannel().tryLock();
            } catch (OverlappingFileLockException e) {
                return 0;
            }
            if (lock == null) return 0; // its owner is alive
            if (!Files.exists(p)) return 0; // closed and deleted by its owner before we locked it
            long n = p.toString().endsWith(".tmp") ? 0 : readAll(p, chunk, replayer);
            Files.deleteIfExists(p);
            if (n > 0) LOG.info("replayed {} state store operations from {}", n, p);
            return n;
        }
    }

    private static long readAll(Path p, int chunk, Replayer replayer) throws Exception {
        long n = 0;
        List<StoreOp> ops = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(p);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException empty) {
                return 0;
            }
            if (magic != MAGIC) throw new IOException("not a flowcore journal (bad magic): " + p);
            CRC32 crc = new CRC32();
            while (true) {
                StoreOp op = readRecord(in, crc, p);
                if (op == null) break;
                ops.add(op);
                if (ops.size() == chunk) {
                    replayer.apply(ops);
                    n += ops.size();
                    ops = new ArrayList<>();
                }
            }
        }
        if (!ops.isEmpty()) {
            replayer.apply(ops);
            n += ops.size();
        }
        return n;
    }

    private static StoreOp readRecord(DataInputStream in, CRC32 crc, Path p) throws IOException {
        int len, sum;
        try {
            len = in.readInt();
            sum = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        if (len <= 0 || len > MAX_RECORD) {
            LOG.warn("journal {} ends with a torn record (length {}); ignoring the rest", p, len);
            return null;
        }
        byte[] payload = new byte[len];
        try {
            in.readFully(payload);
        } catch (EOFException torn) {
            LOG.warn("journal {} ends with a torn record; ignoring it", p);
            return null;
        }
        crc.reset();
        crc.update(payload);
        if ((int) crc.getValue() != sum) {
            LOG.warn("journal {} has a record with a bad checksum; ignoring it and the rest", p);
            return null;
        }
        return OpCodec.decode(payload);
    }
}
