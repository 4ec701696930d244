package io.tenantry.provisioner.backup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The streams a backup file passes through: gzip (optional), then a count of the stored bytes and their SHA-256,
 * so the checksum is of exactly what the store holds.
 */
final class CheckedStreams {

    private static final int BUFFER = 1 << 20;

    private CheckedStreams() {
    }

    /** Writing side: what is written to this stream is compressed if asked, counted and hashed on its way to the store. */
    static final class Out extends FilterOutputStream {
        private final MessageDigest digest;
        private final Counted counted;

        Out(OutputStream stored, boolean compress, LongConsumer storedBytes) throws IOException {
            this(new Counted(new DigestOutputStream(new BufferedOutputStream(stored, BUFFER), newSha256()), storedBytes),
                    compress);
        }

        private Out(Counted counted, boolean compress) throws IOException {
            super(compress ? new FastGzip(counted) : counted);
            this.counted = counted;
            this.digest = ((DigestOutputStream) counted.target()).getMessageDigest();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        long storedBytes() {
            return counted.count;
        }

        /** The stored bytes' SHA-256 (hex); call after closing. */
        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** Reading side: the stored bytes are hashed as they are read, and decompressed if they were compressed. */
    static final class In extends FilterInputStream {
        private final MessageDigest digest;

        In(InputStream stored, boolean compressed) throws IOException {
            this(new DigestInputStream(new BufferedInputStream(stored, BUFFER), newSha256()), compressed);
        }

        private In(DigestInputStream hashed, boolean compressed) throws IOException {
            super(compressed ? new GZIPInputStream(hashed, BUFFER) : hashed);
            this.digest = hashed.getMessageDigest();
        }

        /**
         * Skipped bytes are read, not passed over: an uncompressed file's skip would otherwise go straight to the
         * store and leave them out of the checksum.
         */
        @Override
        public long skip(long n) throws IOException {
            byte[] discard = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int read = read(discard, 0, (int) Math.min(discard.length, n - skipped));
                if (read < 0) {
                    break;
                }
                skipped += read;
            }
            return skipped;
        }

        /** The SHA-256 (hex) of the stored bytes read so far: of the whole file once read to its end. */
        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** The SHA-256 (hex) of some bytes. */
    static String sha256Of(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, BUFFER);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    private static final class Counted extends FilterOutputStream {
        private final LongConsumer onWrite;
        private long count;

        Counted(OutputStream out, LongConsumer onWrite) {
            super(out);
            this.onWrite = onWrite;
        }

        OutputStream target() {
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
            onWrite.accept(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            onWrite.accept(len);
        }
    }
}
