package dev.pipeline.worker;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import dev.pipeline.core.ObjectKeys;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import static dev.pipeline.worker.WorkerTestSupport.depth;
import static dev.pipeline.worker.WorkerTestSupport.health;
import static dev.pipeline.worker.WorkerTestSupport.keys;
import static dev.pipeline.worker.WorkerTestSupport.sendMany;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * S3 goes away in the middle of a run and comes back: no message is deleted while its
 * upload fails, and every message ends as exactly one object.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class S3OutageTests {

	static final String QUEUE = "s3-outage-tests";

	static final String BUCKET = "s3-outage-tests";

	static final int MESSAGES = 300;

	@TempDir
	static Path storage;

	static final int s3Port = freePort();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SqsEmulator.QueuePair queues = sqsEmulator.createQueueWithDeadLetters(QUEUE, 1000, 1);

	static S3Emulator s3Emulator;

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		s3Emulator = S3Emulator.onDisk(storage, s3Port);
		s3Emulator.createBucket(BUCKET);
		WorkerTestSupport.register(registry, sqsEmulator, s3Emulator, QUEUE, BUCKET);
	}

	@AfterAll
	static void stopEmulators() {
		s3Emulator.close();
	}

	@Test
	void deletesNothingWhileS3FailsAndLosesNothingAfterItRecovers() {
		await().atMost(Duration.ofSeconds(15)).until(() -> health(this.port) == 200);
		Instant ingestedAt = Instant.parse("2030-06-15T12:00:00.000Z");
		String prefix = "emails/2030/06/15/";
		List<String> bodies = new ArrayList<>();
		for (int i = 0; i < MESSAGES; i++) {
			bodies.add("{\"email_timestream\":1764201600,\"n\":" + i + "}");
		}
		int half = MESSAGES / 2;
		List<String> ids = new ArrayList<>();
		try (SqsClient sqs = sqsEmulator.client(); S3Client s3 = s3Emulator.client()) {
			ids.addAll(sendMany(sqs, queues.url(), bodies.subList(0, half), ingestedAt));
			await().atMost(Duration.ofSeconds(30)).until(() -> keys(s3, BUCKET, prefix).size() == half);
		}

		s3Emulator.close();
		try (SqsClient sqs = sqsEmulator.client()) {
			double failuresBefore = failures();
			ids.addAll(sendMany(sqs, queues.url(), bodies.subList(half, MESSAGES), ingestedAt));
			await().atMost(Duration.ofSeconds(30)).until(() -> failures() >= failuresBefore + 2 * half);
			double stored = this.meters.counter("persist.messages", "outcome", "stored").count();
			int onQueue = depth(sqs, queues.url());
			System.out.printf("OUTAGE %.0f failed uploads; %d messages still queued; %.0f stored%n",
					failures() - failuresBefore, onQueue, stored);
			assertThat(onQueue).as("no message deleted while its upload fails").isEqualTo(MESSAGES - half);
			assertThat(stored).isEqualTo(half);
		}

		s3Emulator = S3Emulator.onDisk(storage, s3Port);
		try (SqsClient sqs = sqsEmulator.client(); S3Client s3 = s3Emulator.client()) {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> keys(s3, BUCKET, prefix).size() == MESSAGES && depth(sqs, queues.url()) == 0);
			ObjectKeys keys = new ObjectKeys("emails/");
			HashSet<String> expected = new HashSet<>();
			ids.forEach((id) -> expected.add(keys.keyFor(ingestedAt, id)));
			assertThat(keys(s3, BUCKET, prefix)).hasSize(MESSAGES)
				.doesNotHaveDuplicates()
				.containsExactlyInAnyOrderElementsOf(expected);
			assertThat(depth(sqs, queues.deadLetterUrl())).isZero();
		}
	}

	private double failures() {
		return this.meters.find("persist.failures").counters().stream().mapToDouble((c) -> c.count()).sum();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
