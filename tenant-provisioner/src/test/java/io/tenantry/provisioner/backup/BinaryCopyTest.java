package io.tenantry.provisioner.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

/** Counting a binary COPY's rows hashes every stored byte, compressed or not, and sees a truncated file. */
class BinaryCopyTest {

    @Test
    void anUncompressedFileIsCountedAndHashedWhole() throws IOException {
        byte[] copy = binaryCopy(3, 50_000);
        CheckedStreams.In in = new CheckedStreams.In(new ByteArrayInputStream(copy), false);
        assertEquals(3, BinaryCopy.countRows(in));
        assertEquals(CheckedStreams.sha256Of(copy), in.sha256(), "skipped field bytes are hashed too");
    }

    @Test
    void aCompressedFileIsCountedAndItsStoredBytesHashed() throws IOException {
        byte[] copy = binaryCopy(5, 10_000);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(stored)) {
            gzip.write(copy);
        }
        CheckedStreams.In in = new CheckedStreams.In(new ByteArrayInputStream(stored.toByteArray()), true);
        assertEquals(5, BinaryCopy.countRows(in));
        assertEquals(CheckedStreams.sha256Of(stored.toByteArray()), in.sha256());
    }

    @Test
    void aTruncatedFileIsNotAWholeCopy() throws IOException {
        byte[] copy = binaryCopy(2, 100);
        byte[] truncated = Arrays.copyOf(copy, copy.length - 10);
        assertThrows(IOException.class, () -> BinaryCopy.countRows(new ByteArrayInputStream(truncated)));
    }

    /** PostgreSQL's binary COPY: signature, flags, header extension, rows of (field count, [length, bytes]...), -1. */
    private static byte[] binaryCopy(int rows, int fieldBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
        out.writeInt(0);
        out.writeInt(0);
        for (int r = 0; r < rows; r++) {
            out.writeShort(2);
            out.writeInt(-1);
            byte[] field = new byte[fieldBytes];
            Arrays.fill(field, (byte) r);
            out.writeInt(field.length);
            out.write(field);
        }
        out.writeShort(-1);
        return bytes.toByteArray();
    }
}
