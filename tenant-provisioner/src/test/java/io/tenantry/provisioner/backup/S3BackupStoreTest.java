package io.tenantry.provisioner.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tenantry.common.OrgId;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 backup store against a real S3-compatible server: what it writes, where, and what it removes. */
class S3BackupStoreTest {

    private static final S3ProxyServer SERVER = new S3ProxyServer();
    private static final OrgId ACME = OrgId.of("acme_s3");
    private static final OrgId GLOBEX = OrgId.of("globex_s3");

    private static S3Client s3;
    private static S3BackupStore store;

    @BeforeAll
    static void startServer() {
        SERVER.startServer();
        s3 = SERVER.client();
        store = S3BackupStore.configured(SERVER.settings());
    }

    @AfterAll
    static void stopServer() {
        s3.close();
        SERVER.stopServer();
    }

    @Test
    void aFileLargerThanOnePartIsReadBackWholeAndOnlyOnceItsStreamIsClosed() throws IOException {
        UUID backup = UUID.randomUUID();
        byte[] content = new byte[2 * S3BackupStore.PART_SIZE + 12_345];
        new Random(7).nextBytes(content);
        try (OutputStream out = store.create(ACME, backup, "docking_results.copy.gz")) {
            out.write(content, 0, S3BackupStore.PART_SIZE + 1);
            assertThrows(NoSuchFileException.class, () -> store.open(ACME, backup, "docking_results.copy.gz").close(),
                    "a file being written is not there yet, though a part of it was sent");
            out.write(content, S3BackupStore.PART_SIZE + 1, content.length - S3BackupStore.PART_SIZE - 1);
        }
        assertArrayEquals(content, read(ACME, backup, "docking_results.copy.gz"));
        String key = S3ProxyServer.PREFIX + "/acme_s3/" + backup + "/docking_results.copy.gz";
        assertTrue(s3.headObject(b -> b.bucket(S3ProxyServer.BUCKET).key(key)).eTag().endsWith("-3\""),
                "sent in three parts");
        assertTrue(s3.listMultipartUploads(b -> b.bucket(S3ProxyServer.BUCKET)).uploads().isEmpty(),
                "the multipart upload was completed");
    }

    @Test
    void aSmallFileAndAnEmptyOneAreReadBack() throws IOException {
        UUID backup = UUID.randomUUID();
        try (OutputStream out = store.create(ACME, backup, "manifest.json")) {
            out.write("{\"format\":1}".getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = store.create(ACME, backup, "jobs.copy")) {
            out.flush();
        }
        assertEquals("{\"format\":1}", new String(read(ACME, backup, "manifest.json"), StandardCharsets.UTF_8));
        assertEquals(0, read(ACME, backup, "jobs.copy").length);
    }

    @Test
    void aMissingFileIsNoSuchFile() throws IOException {
        UUID backup = UUID.randomUUID();
        assertThrows(NoSuchFileException.class, () -> store.open(ACME, backup, "manifest.json"));
        write(ACME, backup, "manifest.json", "{}");
        assertThrows(NoSuchFileException.class, () -> store.open(GLOBEX, backup, "manifest.json"),
                "another organization's backup of the same id is not this one");
        assertThrows(IllegalArgumentException.class, () -> store.open(ACME, backup, "../globex_s3/manifest.json"));
    }

    @Test
    void everyFileLiesUnderItsOrganizationsAndBackupsPrefixAndDeleteRemovesOnlyThatBackup() throws IOException {
        OrgId initech = OrgId.of("initech_s3");
        OrgId umbrella = OrgId.of("umbrella_s3");
        UUID initechBackup = UUID.randomUUID();
        UUID umbrellaBackup = UUID.randomUUID();
        write(initech, initechBackup, "manifest.json", "{}");
        write(initech, initechBackup, "jobs.copy.gz", "jobs");
        write(umbrella, umbrellaBackup, "manifest.json", "{}");
        String initechFolder = S3ProxyServer.PREFIX + "/initech_s3/" + initechBackup + "/";
        String umbrellaFolder = S3ProxyServer.PREFIX + "/umbrella_s3/" + umbrellaBackup + "/";
        assertEquals("s3://" + S3ProxyServer.BUCKET + "/" + initechFolder, store.location(initech, initechBackup));

        assertEquals(List.of(initechFolder + "jobs.copy.gz", initechFolder + "manifest.json"),
                keysUnder(S3ProxyServer.PREFIX + "/initech_s3/"));
        assertEquals(List.of(umbrellaFolder + "manifest.json"), keysUnder(S3ProxyServer.PREFIX + "/umbrella_s3/"));
        assertTrue(keysUnder("").stream().allMatch(k -> k.startsWith(S3ProxyServer.PREFIX + "/")),
                "nothing outside the prefix");

        store.delete(initech, initechBackup);
        assertEquals(List.of(), keysUnder(S3ProxyServer.PREFIX + "/initech_s3/"));
        assertEquals(List.of(umbrellaFolder + "manifest.json"), keysUnder(S3ProxyServer.PREFIX + "/umbrella_s3/"),
                "another organization's backup stays");
        store.delete(initech, initechBackup);
    }

    @Test
    void aBucketThatIsNotThereFailsTheWrite() throws IOException {
        S3BackupStore nowhere = new S3BackupStore(s3, "no-such-bucket", "");
        OutputStream out = nowhere.create(ACME, UUID.randomUUID(), "jobs.copy");
        out.write(new byte[10]);
        assertThrows(IOException.class, out::close);
        OutputStream large = nowhere.create(ACME, UUID.randomUUID(), "jobs.copy");
        assertThrows(IOException.class, () -> large.write(new byte[S3BackupStore.PART_SIZE]));
        assertThrows(IOException.class, () -> large.write(1), "a failed stream takes no more writes");
    }

    @Test
    void settingsWithoutABucketOrWithHalfAKeyAreRefusedAndThePrefixLosesItsSlashes() {
        IllegalStateException noBucket = assertThrows(IllegalStateException.class, () -> S3BackupStore.configured(
                settings(Optional.empty(), Optional.empty(), Optional.empty())));
        assertTrue(noBucket.getMessage().contains("tenantry.provisioner.backups.s3.bucket"), noBucket.getMessage());
        assertThrows(IllegalStateException.class, () -> S3BackupStore.configured(
                settings(Optional.of("b"), Optional.empty(), Optional.of("key-id-without-secret"))));

        UUID backup = UUID.randomUUID();
        assertEquals("s3://b/tenantry/prod/acme_s3/" + backup + "/",
                S3BackupStore.configured(settings(Optional.of("b"), Optional.of("/tenantry/prod/"), Optional.empty()))
                        .location(ACME, backup));
        assertEquals("s3://b/acme_s3/" + backup + "/",
                S3BackupStore.configured(settings(Optional.of("b"), Optional.empty(), Optional.empty()))
                        .location(ACME, backup));
    }

    private static S3ProxyServer.Settings settings(Optional<String> bucket, Optional<String> prefix,
            Optional<String> accessKeyId) {
        return new S3ProxyServer.Settings(bucket, "us-east-1", Optional.empty(), false, prefix, accessKeyId,
                Optional.empty());
    }

    private static void write(OrgId orgId, UUID backup, String file, String content) throws IOException {
        try (OutputStream out = store.create(orgId, backup, file)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] read(OrgId orgId, UUID backup, String file) throws IOException {
        try (InputStream in = store.open(orgId, backup, file)) {
            return in.readAllBytes();
        }
    }

    private static List<String> keysUnder(String prefix) {
        return SERVER.keysUnder(prefix);
    }
}
