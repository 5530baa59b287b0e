package io.flowcore.data.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.data.Column;
import io.flowcore.data.ColumnType;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PgBinaryCopyEncoder")
class PgBinaryCopyEncoderTests {

    @Test
    void writesTheSignatureTuplesWithLengthsNullsAsMinusOneAndTheTrailer() throws Exception {
        Schema schema = new Schema("t", List.of(new Column("a", ColumnType.INT64),
                new Column("t", ColumnType.TIMESTAMP), new Column("d", ColumnType.DOUBLE),
                new Column("s", ColumnType.TEXT), new Column("i", ColumnType.INT32)));
        RowBatch batch = new RowBatch(schema, 2);
        int r = batch.beginRow(2);
        batch.setLong(0, r, 42);
        batch.setLong(1, r, 946_684_801_000_000L /* 2000-01-01 00:00:01 */);
        batch.setDouble(2, r, -2.5);
        batch.setText(3, r, "B02510");
        batch.setLong(4, r, 7);
        batch.commitRow();
        batch.beginRow(3); // all null
        batch.commitRow();

        PgBinaryCopyEncoder enc = new PgBinaryCopyEncoder(schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        enc.header();
        enc.encode(batch, out::write);
        enc.trailer();
        enc.drainTo(out::write);

        ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
        byte[] sig = new byte[11];
        b.get(sig);
        assertArrayEquals("PGCOPY\n\u00ff\r\n\0".getBytes(StandardCharsets.ISO_8859_1), sig);
        assertEquals(0, b.getInt(), "flags");
        assertEquals(0, b.getInt(), "header extension");
        assertEquals(5, b.getShort());
        assertEquals(8, b.getInt());
        assertEquals(42, b.getLong());
        assertEquals(8, b.getInt());
        assertEquals(1_000_000L, b.getLong(), "microseconds since 2000-01-01");
        assertEquals(8, b.getInt());
        assertEquals(-2.5, b.getDouble());
        assertEquals(6, b.getInt());
        byte[] s = new byte[6];
        b.get(s);
        assertEquals("B02510", new String(s, StandardCharsets.UTF_8));
        assertEquals(4, b.getInt());
        assertEquals(7, b.getInt());
        assertEquals(5, b.getShort());
        for (int c = 0; c < 5; c++) assertEquals(-1, b.getInt(), "null field " + c);
        assertEquals(-1, b.getShort(), "trailer");
        assertEquals(0, b.remaining());
    }
}
