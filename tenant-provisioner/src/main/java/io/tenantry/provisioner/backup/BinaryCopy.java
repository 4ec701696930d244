package io.tenantry.provisioner.backup;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reading PostgreSQL's binary COPY format without a database: enough to count a file's rows and see it whole. */
final class BinaryCopy {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private BinaryCopy() {
    }

    /** The number of rows in the stream; an {@link IOException} when it is not a complete binary COPY. */
    static long countRows(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        try {
            if (!Arrays.equals(in.readNBytes(SIGNATURE.length), SIGNATURE)) {
                throw new IOException("not a binary COPY file (signature)");
            }
            in.readInt();
            in.skipNBytes(in.readInt());
            long rows = 0;
            while (true) {
                short fields = in.readShort();
                if (fields == -1) {
                    break;
                }
                for (int i = 0; i < fields; i++) {
                    int length = in.readInt();
                    if (length > 0) {
                        in.skipNBytes(length);
                    }
                }
                rows++;
            }
            if (in.read() != -1) {
                throw new IOException("data after the end of the binary COPY");
            }
            return rows;
        } catch (EOFException e) {
            throw new IOException("the binary COPY ends early", e);
        }
    }
}
