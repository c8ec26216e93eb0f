package dev.pipeline.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.pipeline.core.Correlation;
import dev.pipeline.core.MessageIds;
import dev.pipeline.core.ObjectKeys;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.testsupport.AwsEnvironment;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The image's assembly, run here as the Dockerfile runs it:
 * {@code functions/image/assemble.sh} extracts the worker's jar, trains the JDK 25 AOT
 * cache and prepares the temp folder; the folder's own start command then runs the
 * worker, which becomes healthy against the emulators and stores a message. A broken step
 * fails the test command, not only {@code docker build}.
 */
@IntegrationTest
class ImageAssemblyTests {

	static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

	static final String QUEUE = "image-assembly-tests";

	static final String BUCKET = "image-assembly-tests";

	static final String GENERATED = "__ApplicationContextInitializer.class";

	@TempDir
	static Path work;

	static SqsEmulator sqsEmulator;

	static S3Emulator s3Emulator;

	static SqsEmulator.QueuePair queues;

	static String java25;

	@BeforeAll
	static void emulators() {
		java25 = jdk25().orElseThrow(() -> new IllegalStateException(
				"The image test needs a JDK 25 (the images' JVM, for the AOT cache): set JAVA25_HOME; looked in "
						+ "JAVA25_HOME, JAVA_HOME_25_X64 and /usr/lib/jvm/temurin-25-jdk-amd64"));
		sqsEmulator = Emulators.sqs();
		s3Emulator = Emulators.s3();
		s3Emulator.createBucket(BUCKET);
		queues = sqsEmulator.createQueueWithDeadLetters(QUEUE, 5, 30);
	}

	@Test
	void assemblesAnImageFolderWhoseStartCommandRunsTheWorkerWithTheAotCache() throws Exception {
		Path app = work.resolve("app");
		Path tmp = work.resolve("tmp");
		assemble("extract", workerJar(false).toString(), app.toString());
		assemble("train", app.toString());
		assemble("tmp", tmp.toString());

		assertThat(app.resolve("app.jar")).isRegularFile();
		assertThat(app.resolve("lib")).isDirectory();
		assertThat(app.resolve("app.aot")).isNotEmptyFile();
		assertThat(Files.getPosixFilePermissions(tmp)).contains(PosixFilePermission.OTHERS_WRITE,
				PosixFilePermission.OTHERS_EXECUTE);
		assertThat(Files.readString(app.resolve("jvm.options")))
			.isEqualTo(Files.readString(ROOT.resolve("functions/jvm.options")));

		int port = freePort();
		int managementPort = freePort();
		ProcessBuilder builder = new ProcessBuilder(app.resolve("start").toString())
			.redirectOutput(work.resolve("worker.log").toFile())
			.redirectErrorStream(true);
		builder.environment()
			.putAll(AwsEnvironment.local()
				.sqs(sqsEmulator.endpoint())
				.s3(s3Emulator.endpoint())
				.with("JAVA", java25)
				.with("TMPDIR", tmp.toString())
				.with("SERVER_PORT", Integer.toString(port))
				.with("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort))
				.asMap());
		builder.environment().putAll(Map.of("PERSIST_QUEUE_NAME", QUEUE, "PERSIST_BUCKET_NAME", BUCKET));
		Process worker = builder.start();
		try {
			await().atMost(Duration.ofSeconds(60)).until(() -> HttpStatus.of(port, "/health") == 200);
			assertThat(HttpStatus.of(managementPort, "/actuator/health/liveness")).isEqualTo(200);
			assertThat(Files.readString(work.resolve("worker.log"))).doesNotContain("AOT cache", "AOTCache")
				.describedAs("the JVM accepted the trained cache without complaint");
			try (Stream<Path> folders = Files.list(tmp)) {
				assertThat(folders.map((folder) -> folder.getFileName().toString()))
					.anyMatch((name) -> name.startsWith("tomcat"));
			}

			Instant ingestedAt = Instant.parse("2031-01-02T03:04:05.006Z");
			String id = MessageIds.random();
			try (SqsClient sqs = sqsEmulator.client()) {
				QueueMessage message = new QueueMessage(id, "{\"email_timestream\":1764201600}", ingestedAt,
						Correlation.of(null, null));
				sqs.sendMessage((request) -> request.queueUrl(queues.url())
					.messageBody(message.body())
					.messageAttributes(message.attributes()));
			}
			String key = new ObjectKeys(ObjectKeys.DEFAULT_PREFIX).keyFor(ingestedAt, id);
			try (S3Client s3 = s3Emulator.client()) {
				await().atMost(Duration.ofSeconds(30))
					.until(() -> s3.listObjectsV2((request) -> request.bucket(BUCKET))
						.contents()
						.stream()
						.anyMatch((object) -> object.key().equals(key)));
			}
		}
		finally {
			// Graceful stop is not under test here (the worker's drills are); do not wait
			// for it.
			worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void startsTheGeneratedContextOnlyWhenTheJarWasBuiltWithSpringAot() throws Exception {
		Path plain = work.resolve("plain");
		assemble("extract", workerJar(false).toString(), plain.toString());
		assertThat(Files.readString(plain.resolve("jvm.options")))
			.isEqualTo(Files.readString(ROOT.resolve("functions/jvm.options")));

		Path aot = work.resolve("aot");
		assemble("extract", workerJar(true).toString(), aot.toString());
		assertThat(Files.readString(aot.resolve("jvm.options")))
			.isEqualTo(Files.readString(ROOT.resolve("functions/jvm.options")) + "-Dspring.aot.enabled=true\n");
	}

	/**
	 * A copy of the worker's jar with or without what {@code -Paot} adds to it, as far as
	 * the script looks: the generated context's initializer.
	 */
	private static Path workerJar(boolean springAot) throws IOException {
		Path copy = work.resolve(springAot ? "worker-aot.jar" : "worker-plain.jar");
		Files.copy(LocalPipeline.Settings.jar(ROOT, "worker"), copy, StandardCopyOption.REPLACE_EXISTING);
		try (FileSystem jar = FileSystems.newFileSystem(copy)) {
			Path classes = jar.getPath("BOOT-INF/classes");
			try (Stream<Path> files = Files.walk(classes)) {
				for (Path generated : files.filter((file) -> file.toString().endsWith(GENERATED)).toList()) {
					Files.delete(generated);
				}
			}
			if (springAot) {
				Files.write(classes.resolve("dev/pipeline/worker/WorkerApplication" + GENERATED), new byte[] { 0 });
			}
		}
		return copy;
	}

	private static void assemble(String... arguments) throws IOException, InterruptedException {
		List<String> command = new java.util.ArrayList<>(List.of("bash", "functions/image/assemble.sh"));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
			.redirectOutput(work.resolve("assemble-" + arguments[0] + ".log").toFile())
			.redirectErrorStream(true);
		builder.environment().put("JAVA", java25);
		Process process = builder.start();
		assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
		assertThat(process.exitValue())
			.describedAs(() -> "assemble.sh " + String.join(" ", arguments) + ":\n"
					+ read(work.resolve("assemble-" + arguments[0] + ".log")))
			.isZero();
	}

	private static Optional<String> jdk25() {
		return Stream
			.of(System.getenv("JAVA25_HOME"), System.getenv("JAVA_HOME_25_X64"), "/usr/lib/jvm/temurin-25-jdk-amd64")
			.filter((home) -> home != null && !home.isBlank())
			.map((home) -> Path.of(home, "bin", "java"))
			.filter(Files::isExecutable)
			.map(Path::toString)
			.findFirst();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

}
