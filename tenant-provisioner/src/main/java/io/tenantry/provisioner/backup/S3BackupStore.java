package io.tenantry.provisioner.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.tenantry.common.OrgId;
import io.tenantry.provisioner.ProvisionerConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backups in an S3-compatible bucket: {@code <prefix>/<orgId>/<backupId>/<file>}. A file is sent in parts of
 * {@link #PART_SIZE} as it is written (a table's copy can be gigabytes; S3's 10,000 parts allow 156 GiB) and
 * becomes an object only when its stream is closed; a file smaller than one part is a single upload.
 */
class S3BackupStore implements BackupStore {

    static final int PART_SIZE = 16 << 20;

    private static final int FIRST_BUFFER = 64 << 10;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    /** {@code prefix} is a key prefix without slashes at either end, or empty for the bucket's root. */
    S3BackupStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() ? "" : prefix + "/";
    }

    /** The store the settings describe; without a bucket it refuses. */
    static S3BackupStore configured(ProvisionerConfig.Backups.S3 settings) {
        String bucket = settings.bucket().orElseThrow(() -> new IllegalStateException(
                "tenantry.provisioner.backups.s3.bucket must name the bucket of the s3 backup store"));
        return new S3BackupStore(client(settings), bucket, settings.prefix().map(S3BackupStore::trimSlashes).orElse(""));
    }

    static S3Client client(ProvisionerConfig.Backups.S3 settings) {
        S3ClientBuilder client = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                // The manifest's SHA-256 of every file already proves a backup whole; the SDK's own checksums on
                // every request (trailing headers, x-amz-checksum-mode) are refused by many S3-compatible servers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials(settings));
        settings.endpoint().ifPresent(client::endpointOverride);
        return client.build();
    }

    private static AwsCredentialsProvider credentials(ProvisionerConfig.Backups.S3 settings) {
        if (settings.accessKeyId().isPresent() != settings.secretAccessKey().isPresent()) {
            throw new IllegalStateException("tenantry.provisioner.backups.s3.access-key-id and secret-access-key are"
                    + " set together or not at all (then the AWS SDK's default credentials apply)");
        }
        if (settings.accessKeyId().isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().get(),
                settings.secretAccessKey().get()));
    }

    private static String trimSlashes(String prefix) {
        return prefix.replaceAll("^/+|/+$", "");
    }

    @Override
    public OutputStream create(OrgId orgId, UUID backupId, String file) {
        return new Upload(folder(orgId, backupId) + BackupStore.checkedFileName(file));
    }

    @Override
    public InputStream open(OrgId orgId, UUID backupId, String file) throws IOException {
        String key = folder(orgId, backupId) + BackupStore.checkedFileName(file);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(location(key));
        } catch (SdkException e) {
            throw new IOException("cannot read " + location(key) + ": " + e.getMessage(), e);
        }
    }

    /**
     * One request per object: a backup has a file per table and its manifest, and the batch DeleteObjects request
     * carries a checksum header that S3-compatible servers often refuse.
     */
    @Override
    public void delete(OrgId orgId, UUID backupId) throws IOException {
        String folder = folder(orgId, backupId);
        try {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder)).contents()) {
                s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
            }
        } catch (SdkException e) {
            throw new IOException("cannot delete " + location(folder) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String location(OrgId orgId, UUID backupId) {
        return location(folder(orgId, backupId));
    }

    private String location(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private String folder(OrgId orgId, UUID backupId) {
        return prefix + orgId.value() + "/" + backupId + "/";
    }

    /**
     * One object being written: the first full part starts a multipart upload, each further full part is sent as
     * it fills, and closing sends the rest and completes the upload (or puts the whole object when it never filled
     * a part). A failure aborts the upload, so no parts are left behind and nothing becomes visible. The part's
     * buffer grows as written, so a small file (the manifest) does not hold a whole part's memory.
     */
    private final class Upload extends OutputStream {
        private final String key;
        private byte[] part = new byte[FIRST_BUFFER];
        private final List<CompletedPart> sent = new ArrayList<>();
        private int filled;
        private String uploadId;
        private boolean closed;

        Upload(String key) {
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException(location(key) + " is closed");
            }
            while (len > 0) {
                if (filled == part.length) {
                    part = Arrays.copyOf(part, Math.min(PART_SIZE, 2 * part.length));
                }
                int n = Math.min(len, part.length - filled);
                System.arraycopy(b, off, part, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == PART_SIZE) {
                    sendPart();
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (uploadId == null) {
                    s3.putObject(b -> b.bucket(bucket).key(key), body());
                    return;
                }
                if (filled > 0) {
                    sendPart();
                }
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(sent)));
            } catch (SdkException e) {
                throw aborted(e);
            }
        }

        private void sendPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
                }
                int number = sent.size() + 1;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                        body()).eTag();
                sent.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                filled = 0;
            } catch (SdkException e) {
                closed = true;
                throw aborted(e);
            }
        }

        private RequestBody body() {
            byte[] bytes = part;
            int length = filled;
            return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                    "application/octet-stream");
        }

        /** The failure, after aborting the upload; parts an abort could not remove are the bucket's lifecycle rule's. */
        private IOException aborted(SdkException cause) {
            IOException failure = new IOException("cannot write " + location(key) + ": " + cause.getMessage(), cause);
            if (uploadId != null) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException e) {
                    failure.addSuppressed(e);
                }
            }
            return failure;
        }
    }
}
