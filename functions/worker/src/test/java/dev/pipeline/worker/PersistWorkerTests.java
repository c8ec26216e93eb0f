package dev.pipeline.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pipeline.core.Correlation;
import dev.pipeline.core.MessageIds;
import dev.pipeline.core.ObjectKeys;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import static dev.pipeline.worker.WorkerTestSupport.depth;
import static dev.pipeline.worker.WorkerTestSupport.health;
import static dev.pipeline.worker.WorkerTestSupport.keys;
import static dev.pipeline.worker.WorkerTestSupport.send;
import static dev.pipeline.worker.WorkerTestSupport.sendMany;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's real listener container against ElasticMQ and s3proxy.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PersistWorkerTests {

	static final String QUEUE = "persist-worker-tests";

	static final String BUCKET = "persist-worker-tests";

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final S3Emulator s3Emulator = Emulators.s3();

	static final SqsEmulator.QueuePair queues = sqsEmulator.createQueueWithDeadLetters(QUEUE, 5, 30);

	static final SqsClient sqs = sqsEmulator.client();

	static final S3Client s3 = s3Emulator.client();

	static final ObjectKeys KEYS = new ObjectKeys("emails/");

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		s3Emulator.createBucket(BUCKET);
		WorkerTestSupport.register(registry, sqsEmulator, s3Emulator, QUEUE, BUCKET);
	}

	@AfterAll
	static void stopEmulators() {
		sqs.close();
		s3.close();
	}

	@BeforeEach
	void polling() {
		await().atMost(Duration.ofSeconds(15)).until(() -> health(this.port) == 200);
	}

	@Test
	void storesOneMessageByteForByteAtItsKeyAndDeletesIt() {
		String body = "{ \"email_timestream\" : 1764201600,\n \"hello\":\"wörld ✉ \uD83D\uDCE7\", \"n\": 1.50e3 }";
		Instant ingestedAt = Instant.parse("2026-11-27T10:15:30.123Z");
		String id = send(sqs, queues.url(), body, ingestedAt);
		String key = "emails/2026/11/27/" + id + ".json";

		ResponseBytes<GetObjectResponse> object = awaitObject(key);
		assertThat(object.asByteArray()).isEqualTo(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		assertThat(object.response().contentType()).isEqualTo("application/json");
		assertThat(object.response().metadata()).containsExactlyInAnyOrderEntriesOf(
				Map.of("message-id", id, QueueMessage.INGESTED_AT, "2026-11-27T10:15:30.123Z"));
		await().atMost(Duration.ofSeconds(10)).until(() -> depth(sqs, queues.url()) == 0);
		assertThat(depth(sqs, queues.deadLetterUrl())).isZero();
	}

	@Test
	void storesAMessageAtTheKeyOfItsMessageIdAttributeNotOfItsSqsMessageId() {
		// As after a dead-letter redrive: SQS gave the message a MessageId of its own,
		// the
		// client was told the attribute's.
		Instant ingestedAt = Instant.parse("2026-11-28T09:00:00.000Z");
		String id = MessageIds.random();
		String sqsMessageId = sqs
			.sendMessage((request) -> request.queueUrl(queues.url())
				.messageBody("{\"redriven\":true}")
				.messageAttributes(WorkerTestSupport.attributes(ingestedAt, id)))
			.messageId();
		assertThat(sqsMessageId).isNotEqualTo(id);

		ResponseBytes<GetObjectResponse> object = awaitObject(KEYS.keyFor(ingestedAt, id));
		assertThat(object.response().metadata()).containsEntry("message-id", id);
		await().atMost(Duration.ofSeconds(10)).until(() -> depth(sqs, queues.url()) == 0);
		assertThat(exists(KEYS.keyFor(ingestedAt, sqsMessageId))).isFalse();
	}

	@Test
	void writesTheRequestIdAndTraceparentIntoTheObjectsMetadataAndNothingAProducerInvented() {
		Instant ingestedAt = Instant.parse("2026-11-28T11:00:00.000Z");
		String traced = MessageIds.random();
		String forged = MessageIds.random();
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		Map<String, MessageAttributeValue> tracedAttributes = new HashMap<>(
				WorkerTestSupport.attributes(ingestedAt, traced));
		tracedAttributes.put(Correlation.REQUEST_ID, string("5d3c1f2e-0000-4000-8000-00000000abcd"));
		tracedAttributes.put(Correlation.TRACEPARENT, string(traceparent));
		Map<String, MessageAttributeValue> forgedAttributes = new HashMap<>(
				WorkerTestSupport.attributes(ingestedAt, forged));
		forgedAttributes.put(Correlation.REQUEST_ID, string("not a request id\n"));
		sqs.sendMessage((request) -> request.queueUrl(queues.url())
			.messageBody("{\"traced\":true}")
			.messageAttributes(tracedAttributes));
		sqs.sendMessage((request) -> request.queueUrl(queues.url())
			.messageBody("{\"forged\":true}")
			.messageAttributes(forgedAttributes));

		assertThat(awaitObject(KEYS.keyFor(ingestedAt, traced)).response().metadata())
			.containsEntry(Correlation.REQUEST_ID, "5d3c1f2e-0000-4000-8000-00000000abcd")
			.containsEntry(Correlation.TRACEPARENT, traceparent);
		assertThat(awaitObject(KEYS.keyFor(ingestedAt, forged)).response().metadata()).containsOnlyKeys("message-id",
				QueueMessage.INGESTED_AT);
	}

	private static MessageAttributeValue string(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

	@Test
	void storesAMessageQueuedByAnApiWithoutMessageIdsAtItsSqsMessageIdKey() {
		// A rolling deploy: an older API told its client the SQS MessageId.
		Instant ingestedAt = Instant.parse("2026-11-28T10:00:00.000Z");
		String sqsMessageId = sqs
			.sendMessage((request) -> request.queueUrl(queues.url())
				.messageBody("{\"older\":true}")
				.messageAttributes(WorkerTestSupport.attributesBeforeMessageIds(ingestedAt)))
			.messageId();

		ResponseBytes<GetObjectResponse> object = awaitObject(KEYS.keyFor(ingestedAt, sqsMessageId));
		assertThat(object.response().metadata()).containsEntry("message-id", sqsMessageId);
	}

	@Test
	void datesKeysByIngestedAtAcrossUtcMidnight() {
		String before = send(sqs, queues.url(), "{\"n\":1}", Instant.parse("2025-12-31T23:59:59.999Z"));
		String after = send(sqs, queues.url(), "{\"n\":2}", Instant.parse("2026-01-01T00:00:00.000Z"));
		awaitObject("emails/2025/12/31/" + before + ".json");
		awaitObject("emails/2026/01/01/" + after + ".json");
	}

	@Test
	void fallsBackToSentTimestampWithoutIngestedAt() {
		Instant sentAfter = Instant.now();
		String id = sqs.sendMessage((request) -> request.queueUrl(queues.url()).messageBody("{\"n\":3}")).messageId();
		Instant sentBefore = Instant.now();
		String keyToday = KEYS.keyFor(sentAfter, id);
		String keyLater = KEYS.keyFor(sentBefore, id);
		await().atMost(Duration.ofSeconds(10)).until(() -> exists(keyToday) || exists(keyLater));
		String key = exists(keyToday) ? keyToday : keyLater;
		String stamped = s3.headObject((request) -> request.bucket(BUCKET).key(key))
			.metadata()
			.get(QueueMessage.INGESTED_AT);
		assertThat(Instant.parse(stamped)).isBetween(sentAfter.minusSeconds(1), sentBefore.plusSeconds(1));
	}

	@Test
	void aRedeliveredMessageWhoseObjectExistsIsNotOverwrittenButDeleted() {
		Instant ingestedAt = Instant.parse("2026-11-20T08:00:00.000Z");
		String id = MessageIds.random();
		sqs.sendMessage((request) -> request.queueUrl(queues.url())
			.messageBody("{\"second\":true}")
			.delaySeconds(2)
			.messageAttributes(WorkerTestSupport.attributes(ingestedAt, id)));
		String key = KEYS.keyFor(ingestedAt, id);
		// The first delivery's object: same message, so the redelivery is done.
		s3.putObject((request) -> request.bucket(BUCKET).key(key).metadata(Map.of("message-id", id)),
				RequestBody.fromString("{\"first\":true}"));
		double alreadyStored = this.meters.counter("persist.messages", "outcome", "already-stored").count();

		await().atMost(Duration.ofSeconds(15))
			.until(() -> this.meters.counter("persist.messages", "outcome", "already-stored").count() > alreadyStored);
		await().atMost(Duration.ofSeconds(10)).until(() -> depth(sqs, queues.url()) == 0);
		assertThat(s3.getObjectAsBytes((request) -> request.bucket(BUCKET).key(key)).asUtf8String())
			.isEqualTo("{\"first\":true}");
	}

	@Test
	void anObjectOfAnotherMessageAtTheKeyIsNeverTrustedAndTheMessageStaysQueued() {
		Instant ingestedAt = Instant.parse("2026-11-21T08:00:00.000Z");
		String id = MessageIds.random();
		sqs.sendMessage((request) -> request.queueUrl(queues.url())
			.messageBody("{\"mine\":true}")
			.delaySeconds(2)
			.messageAttributes(WorkerTestSupport.attributes(ingestedAt, id)));
		String key = KEYS.keyFor(ingestedAt, id);
		s3.putObject((request) -> request.bucket(BUCKET).key(key).metadata(Map.of("message-id", "someone-else")),
				RequestBody.fromString("{\"theirs\":true}"));
		double taken = this.meters.counter("persist.failures", "reason", "key-taken").count();
		double alreadyStored = this.meters.counter("persist.messages", "outcome", "already-stored").count();

		await().atMost(Duration.ofSeconds(15))
			.until(() -> this.meters.counter("persist.failures", "reason", "key-taken").count() > taken);
		assertThat(depth(sqs, queues.url())).as("not deleted: left for the dead-letter queue").isEqualTo(1);
		assertThat(this.meters.counter("persist.messages", "outcome", "already-stored").count())
			.isEqualTo(alreadyStored);
		assertThat(s3.getObjectAsBytes((request) -> request.bucket(BUCKET).key(key)).asUtf8String())
			.isEqualTo("{\"theirs\":true}");
		sqs.purgeQueue((request) -> request.queueUrl(queues.url()));
		await().atMost(Duration.ofSeconds(10)).until(() -> depth(sqs, queues.url()) == 0);
	}

	@Test
	void drainsAThousandMessagesConcurrentlyIntoAThousandObjects() {
		Instant ingestedAt = Instant.parse("2031-03-03T03:03:03.003Z");
		List<String> bodies = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			bodies.add("{\"email_timestream\":1764201600,\"n\":" + i + "}");
		}
		long start = System.nanoTime();
		List<String> ids = sendMany(sqs, queues.url(), bodies, ingestedAt);
		await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> keys(s3, BUCKET, "emails/2031/03/03/").size() == 1000 && depth(sqs, queues.url()) == 0);
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.printf("DRAIN 1000 messages sent and persisted in %.2f s: %.0f messages/s%n", seconds,
				1000 / seconds);

		List<String> stored = keys(s3, BUCKET, "emails/2031/03/03/");
		Set<String> expected = new HashSet<>();
		ids.forEach((id) -> expected.add(KEYS.keyFor(ingestedAt, id)));
		assertThat(stored).hasSize(1000).doesNotHaveDuplicates();
		assertThat(new HashSet<>(stored)).isEqualTo(expected);
		for (int i = 0; i < 1000; i += 97) {
			String key = KEYS.keyFor(ingestedAt, ids.get(i));
			assertThat(s3.getObjectAsBytes((request) -> request.bucket(BUCKET).key(key)).asUtf8String())
				.isEqualTo(bodies.get(i));
		}
		assertThat(depth(sqs, queues.deadLetterUrl())).isZero();
	}

	@Test
	void servesHealthAndNothingElse() {
		assertThat(health(this.port)).isEqualTo(200);
		assertThat(WorkerTestSupport.health(this.port + 0)).isEqualTo(200);
	}

	private boolean exists(String key) {
		return keys(s3, BUCKET, key).contains(key);
	}

	private ResponseBytes<GetObjectResponse> awaitObject(String key) {
		await().atMost(Duration.ofSeconds(15)).until(() -> exists(key));
		return s3.getObjectAsBytes((request) -> request.bucket(BUCKET).key(key));
	}

}
