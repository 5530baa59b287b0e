package io.flowcore.engine.internal.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One journal file per open store: <dir>/journal-<uuid>.bin, locked (FileChannel.tryLock) for as long
 * as the store is open. Layout: the 4-byte magic "FCJ1", then records of
 *   int payloadLength, int crc32(payload), payload (OpCodec)
 * and after the last record zeros up to the end of the file (an all-zero record header ends the records).
 *
 * The file is memory-mapped (MAP_SHARED) and a record is copied into the mapping, never forced: the
 * page cache holds it from that moment, so it survives a kill -9 of the process, not a power loss or an
 * OS crash — the same guarantee as a write(2) without fsync, which is what the journal used before, but
 * without a system call per op (a write(2) cost 6-9 us on the machines flowcore is developed on, and a
 * task run journals four ops). A record a kill cut short (its header written, the end of its payload
 * still zero, nothing but zeros after it) is a torn last record, ignored as a torn write(2) was.
 *
 * The file is filled with zeros by write(2) before a region is mapped, and truncate() zeroes the used
 * part in place instead of cutting the file: a first write to a page over a hole of the file faults and
 * allocates a block, which measured slower than the write(2) it replaces. So the file keeps the size of
 * its biggest mapping (the journal's high-water mark) until the store closes. The zeroing runs from the
 * end backwards, so a kill during it normally leaves records, one torn record and zeros (every record
 * in it was committed by then). abandon() trims the zero tail: a journal left for replay ends at its
 * last record.
 *
 * The file is created as journal-<uuid>.tmp, locked, then renamed, so a file another process can see
 * under the .bin name is always locked by its owner while the owner lives. A replaying store opens only
 * .bin files whose lock it can take, i.e. whose owner is gone. Within one JVM the lock table makes
 * tryLock throw OverlappingFileLockException; on Linux closing *any* descriptor of a file drops the
 * process's POSIX locks on it, so the live journals of this JVM are also kept in LIVE and never opened.
 *
 * FileChannel.map is interruptible: a FileChannel is closed (and its lock lost) when a thread blocked in
 * it is interrupted, and engine threads get interrupted by timeouts and cancellation. So the mapping is
 * made on a short-lived thread of its own (it grows rarely); copying into it, and RandomAccessFile's write
 * and setLength, are not interruptible.
 *
 * Replay never makes a store refuse to open: a record it cannot read (bad checksum, unknown tag, a
 * zero-filled header followed by anything but zeros) is skipped and counted — resynchronising on the
 * next record when the length field is sane — and a journal with skipped records is renamed to
 * journal-<uuid>.corrupt for inspection instead of being deleted. Only a clean journal is deleted after
 * replay. The replay reads through the descriptor that holds the lock: opening a second descriptor and
 * closing it would drop the process's POSIX lock and let another process replay the same journal at
 * the same time.
 *
 * Files are created owner-only (the folder 700, journals 600): they hold run parameters and log lines.
 *
 * Not thread-safe: the GroupCommitWriter calls append, truncate and quarantine under its lock.
 */
final class WriteBehindJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindJournal.class);
    private static final int MAGIC = 0x46434A31; // "FCJ1"
    private static final int HEADER = 4;
    private static final int RECORD_HEADER = 8;
    private static final int MAX_RECORD = 256 << 20;
    /** The first mapping; it doubles when a record does not fit (a MappedByteBuffer holds at most 2 GiB). */
    private static final int INITIAL_MAPPING = 1 << 20;
    private static final byte[] ZEROS = new byte[1 << 16];
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final RandomAccessFile raf;
    private final FileLock lock;
    private final OpCodec.Encoder encoder = new OpCodec.Encoder();
    private final CRC32 crc = new CRC32();
    private final long origin;
    private MappedByteBuffer map;
    private long size;

    private WriteBehindJournal(Path file, RandomAccessFile raf, FileLock lock, long origin, MappedByteBuffer map) {
        this.file = file;
        this.raf = raf;
        this.lock = lock;
        this.origin = origin;
        this.map = map;
        this.size = HEADER;
    }

    /** Creates and locks a new, empty journal in {@code dir}. */
    static WriteBehindJournal create(Path dir) throws IOException {
        OwnerOnly.createDirectories(dir);
        UUID id = UUID.randomUUID();
        Path tmp = dir.resolve("journal-" + id + ".tmp");
        Path file = dir.resolve("journal-" + id + ".bin");
        // Both names are live before the file exists: a store replaying in this JVM must not open (and
        // delete) the .tmp in the moment between its creation and its lock.
        LIVE.add(tmp.toAbsolutePath());
        LIVE.add(file.toAbsolutePath());
        RandomAccessFile raf = null;
        try {
            OwnerOnly.createFile(tmp);
            raf = new RandomAccessFile(tmp.toFile(), "rw");
            FileLock lock = raf.getChannel().tryLock();
            if (lock == null) throw new IOException("cannot lock the new journal " + tmp);
            raf.writeInt(MAGIC);
            fillWithZeros(raf, HEADER, INITIAL_MAPPING);
            MappedByteBuffer map = map(raf, INITIAL_MAPPING);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            LIVE.remove(tmp.toAbsolutePath());
            return new WriteBehindJournal(file, raf, lock, id.getMostSignificantBits() ^ id.getLeastSignificantBits(),
                    map);
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

    /**
     * Appends the op; returns the bytes it took in the journal (its encoded size, about its size in memory).
     * On failure nothing is appended (what it copied in is zeroed again, or else reads as a torn record).
     */
    int append(StoreOp op) {
        OpCodec.Encoder e = encoder;
        e.reset(RECORD_HEADER);
        e.encode(op);
        int payload = e.pos - RECORD_HEADER;
        crc.reset();
        crc.update(e.buf, RECORD_HEADER, payload);
        try {
            if (size + e.pos > map.capacity()) grow(size + e.pos);
            int at = (int) size;
            map.putInt(at, payload);
            map.putInt(at + 4, (int) crc.getValue());
            map.put(at + RECORD_HEADER, e.buf, RECORD_HEADER, payload);
            size += e.pos;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to the state store journal " + file, ex);
        } catch (InternalError ex) {
            // a page of the mapping could not be backed by the file system (disk full, I/O error)
            try {
                for (int i = (int) size; i < Math.min((int) size + e.pos, map.capacity()); i++) map.put(i, (byte) 0);
            } catch (InternalError ignored) {
                // the page is not there either
            }
            throw new UncheckedIOException("cannot append to the state store journal " + file,
                    new IOException(ex.getMessage(), ex));
        }
        int written = e.pos;
        if (e.buf.length > 1 << 20) e.buf = new byte[1024]; // do not keep a huge log message's buffer
        return written;
    }

    /** Maps at least {@code needed} bytes of the file (doubling), keeping what was written. */
    private void grow(long needed) throws IOException {
        long capacity = map.capacity();
        while (capacity < needed) capacity *= 2;
        if (capacity > Integer.MAX_VALUE) {
            capacity = Integer.MAX_VALUE;
            if (needed > capacity) throw new IOException("the journal would exceed 2 GiB");
        }
        fillWithZeros(raf, map.capacity(), capacity);
        map = map(raf, capacity);
    }

    /** Writes zeros from {@code from} to {@code to}: the blocks exist before the region is mapped. */
    private static void fillWithZeros(RandomAccessFile raf, long from, long to) throws IOException {
        raf.seek(from);
        for (long at = from; at < to; at += ZEROS.length) raf.write(ZEROS, 0, (int) Math.min(ZEROS.length, to - at));
    }

    /**
     * Maps the first {@code bytes} of the file (extending it), on a thread of its own: FileChannel.map is
     * interruptible, and an interrupt of the caller would close the channel and drop the journal's lock.
     */
    private static MappedByteBuffer map(RandomAccessFile raf, long bytes) throws IOException {
        FileChannel channel = raf.getChannel();
        CompletableFuture<MappedByteBuffer> mapped = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("flowcore-journal-map").start(() -> {
            try {
                mapped.complete(channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes));
            } catch (Throwable t) {
                mapped.completeExceptionally(t);
            }
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return mapped.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the mapping must finish either way; the flag is restored below
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) throw io;
                    throw new IOException("cannot map the state store journal: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Drops every record; call only when all of them are committed to the database. */
    void truncate() {
        for (long end = size; end > HEADER; end -= ZEROS.length) { // backwards: see the class comment
            int n = (int) Math.min(ZEROS.length, end - HEADER);
            map.put((int) end - n, ZEROS, 0, n);
        }
        size = HEADER;
    }

    /**
     * Appends {@code op} to this journal's quarantine file ({@code quarantine-<uuid>.bin}, same format,
     * never replayed) and returns where it went, for the log.
     */
    String quarantine(StoreOp op) {
        Path q = file.resolveSibling(file.getFileName().toString().replace("journal-", "quarantine-"));
        OpCodec.Encoder e = new OpCodec.Encoder();
        e.reset(RECORD_HEADER);
        try {
            e.encode(op);
        } catch (RuntimeException notEncodable) {
            return "not kept: " + notEncodable.getMessage();
        }
        int payload = e.pos - RECORD_HEADER;
        CRC32 c = new CRC32();
        c.update(e.buf, RECORD_HEADER, payload);
        e.putIntAt(0, payload);
        e.putIntAt(4, (int) c.getValue());
        try {
            if (!Files.exists(q)) {
                OwnerOnly.createFile(q);
                Files.write(q, new byte[] {'F', 'C', 'J', 'Q'}, java.nio.file.StandardOpenOption.APPEND);
            }
            Files.write(q, java.util.Arrays.copyOf(e.buf, e.pos), java.nio.file.StandardOpenOption.APPEND);
            return "kept in " + q;
        } catch (IOException | RuntimeException ex) {
            return "could not be kept in " + q + ": " + ex.getMessage();
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
            raf.setLength(size); // without the mapping's zero tail: the file ends at its last record
        } catch (IOException e) {
            LOG.warn("cannot trim the state store journal {}", file, e);
        }
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

    /** What one replay did: operations applied and records that could not be read. */
    record Replayed(long ops, long skipped) {
        static final Replayed NONE = new Replayed(0, 0);

        Replayed plus(Replayed o) {
            return new Replayed(ops + o.ops, skipped + o.skipped);
        }
    }

    /**
     * Replays every journal in {@code dir} whose owner is gone (its lock can be taken), then deletes it
     * (or, when records had to be skipped, renames it to {@code .corrupt}).
     */
    static Replayed replayLeftovers(Path dir, int chunk, Replayer replayer) throws Exception {
        if (!Files.isDirectory(dir)) return Replayed.NONE;
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "journal-*.{bin,tmp}")) {
            ds.forEach(candidates::add);
        }
        Replayed total = Replayed.NONE;
        for (Path p : candidates) {
            if (LIVE.contains(p.toAbsolutePath())) continue;
            total = total.plus(replayOne(p, chunk, replayer));
        }
        return total;
    }

    private static Replayed replayOne(Path p, int chunk, Replayer replayer) throws Exception {
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(p.toFile(), "rw");
        } catch (IOException gone) {
            return Replayed.NONE; // deleted meanwhile by its owner or another replayer
        }
        try (raf) {
            FileLock lock;
            try {
                lock = raf.getChannel().tryLock();
            } catch (OverlappingFileLockException e) {
                return Replayed.NONE;
            }
            if (lock == null) return Replayed.NONE; // its owner is alive, or another process replays it
            if (!Files.exists(p)) return Replayed.NONE; // closed and deleted by its owner before we locked it
            Replayed r = p.toString().endsWith(".tmp") ? Replayed.NONE : readAll(raf, p, chunk, replayer);
            if (r.skipped() == 0) {
                Files.deleteIfExists(p);
            } else {
                Path aside = p.resolveSibling(p.getFileName().toString().replaceAll("\\.bin$", "") + ".corrupt");
                Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("journal {}: {} records could not be read and were skipped ({} applied); the file is kept "
                        + "as {}", p, r.skipped(), r.ops(), aside);
            }
            if (r.ops() > 0) LOG.info("replayed {} state store operations from {}", r.ops(), p);
            return r;
        }
    }

    private static Replayed readAll(RandomAccessFile raf, Path p, int chunk, Replayer replayer) throws Exception {
        long n = 0;
        long skipped = 0;
        List<StoreOp> ops = new ArrayList<>();
        raf.seek(0);
        // Not closed on its own: closing it would close the channel that holds the lock (raf's close does).
        DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(raf.getChannel()),
                1 << 16));
        long length = raf.length();
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException empty) {
            return Replayed.NONE;
        }
        long pos = HEADER;
        if (magic != MAGIC) {
            LOG.warn("journal {} has no flowcore journal header (0x{}); reading its records anyway", p,
                    Integer.toHexString(magic));
            skipped++;
        }
        CRC32 crc = new CRC32();
        while (pos < length) {
            if (length - pos < RECORD_HEADER) {
                LOG.warn("journal {} ends with a torn record header; ignoring it", p);
                break;
            }
            int len = in.readInt();
            int sum = in.readInt();
            pos += RECORD_HEADER;
            if (len == 0 && sum == 0 && onlyZeros(raf.getChannel(), pos, length)) break; // a mapped journal's zero tail
            if (len <= 0 || len > MAX_RECORD || len > length - pos) {
                if (len > length - pos && len > 0 && len <= MAX_RECORD) {
                    LOG.warn("journal {} ends with a torn record; ignoring it", p); // the process died mid-write
                } else {
                    // A length that cannot be: nothing after this point can be framed. Count what is lost.
                    LOG.warn("journal {} has a record with an impossible length {} at byte {}; skipping the rest "
                            + "({} bytes)", p, len, pos - RECORD_HEADER, length - pos);
                    skipped++;
                }
                break;
            }
            byte[] payload = new byte[len];
            in.readFully(payload);
            pos += len;
            crc.reset();
            crc.update(payload);
            if ((int) crc.getValue() != sum) {
                if (payload[len - 1] == 0 && onlyZeros(raf.getChannel(), pos, length)) {
                    // copied in only partly (the rest still zero) by a process killed in the middle
                    LOG.warn("journal {} ends with a torn record; ignoring it", p);
                    break;
                }
                skipped++;
                continue;
            }
            StoreOp op;
            try {
                op = OpCodec.decode(payload);
            } catch (IllegalArgumentException e) {
                LOG.warn("journal {}: skipping a record it cannot read: {}", p, e.getMessage());
                skipped++;
                continue;
            }
            ops.add(op);
            if (ops.size() == chunk) {
                replayer.apply(ops);
                n += ops.size();
                ops = new ArrayList<>();
            }
        }
        if (!ops.isEmpty()) {
            replayer.apply(ops);
            n += ops.size();
        }
        return new Replayed(n, skipped);
    }

    /** Whether the file holds only zeros from {@code from} to its end: the tail of a mapped journal. */
    private static boolean onlyZeros(FileChannel channel, long from, long length) throws IOException {
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(1 << 16);
        for (long at = from; at < length; ) {
            chunk.clear();
            int r = channel.read(chunk, at); // positional: the replay's stream keeps its place
            if (r < 0) break;
            for (int i = 0; i < r; i++) if (chunk.get(i) != 0) return false;
            at += r;
        }
        return true;
    }
}
