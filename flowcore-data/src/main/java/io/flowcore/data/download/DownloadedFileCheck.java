package io.flowcore.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.LocalInputFile;

/*
 * Checks that a downloaded file is whole, by what its name says it is, before the download counts
 * as complete. A size check cannot catch a file cut short at the source (its Content-Length says
 * the short size) or a close-delimited body cut short (there is no size to check), but the formats
 * end with proof of completeness:
 *   .gz       decodes to its end: every member's CRC-32 and length trailer must match
 *   .parquet  "PAR1" at both ends, a footer length that fits, footer metadata that parses, and row
 *             groups that lie inside the file
 * Other names are not checked. check() returns normally or throws an IOException saying what is wrong.
 */
final class DownloadedFileCheck {
    private static final byte[] PAR1 = {'P', 'A', 'R', '1'};

    private DownloadedFileCheck() {
    }

    /** Checks {@code file}, whose format is given by {@code name} (the final file name). */
    static void check(Path file, String name) throws IOException {
        if (name.endsWith(".gz")) checkGzip(file);
        else if (name.endsWith(".parquet")) checkParquet(file);
    }

    private static void checkGzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) { // EOFException "Unexpected end of ZLIB input stream", ZipException "Corrupt GZIP trailer"
            throw new IOException("not a complete gzip file (" + e.getMessage() + ")", e);
        }
    }

    private static void checkParquet(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 12) throw new IOException("not a complete Parquet file: " + size + " bytes, less than the 12 of an empty one");
        long footerLength;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4);
            ch.read(head, 0);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(tail, size - 8);
            if (!ByteBuffer.wrap(PAR1).equals(head.flip())) throw new IOException("not a Parquet file: it does not start with PAR1");
            if (!ByteBuffer.wrap(PAR1).equals(tail.slice(4, 4))) {
                throw new IOException("not a complete Parquet file: it does not end with PAR1 (cut short?)");
            }
            footerLength = Integer.toUnsignedLong(tail.getInt(0));
        }
        if (footerLength > size - 12) {
            throw new IOException("not a complete Parquet file: its footer claims " + footerLength + " bytes of " + size);
        }
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder().build())) {
            for (BlockMetaData rowGroup : reader.getFooter().getBlocks()) {
                long end = rowGroup.getStartingPos() + rowGroup.getCompressedSize();
                if (rowGroup.getStartingPos() < 4 || end > size - 8 - footerLength) {
                    throw new IOException("not a complete Parquet file: a row group lies at bytes "
                            + rowGroup.getStartingPos() + ".." + end + " of " + size);
                }
            }
        } catch (RuntimeException e) { // parquet-java reports unreadable metadata unchecked
            throw new IOException("not a complete Parquet file: its footer metadata is unreadable (" + e.getMessage() + ")", e);
        }
    }
}
