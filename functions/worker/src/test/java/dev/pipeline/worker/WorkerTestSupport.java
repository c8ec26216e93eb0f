package dev.pipeline.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pipeline.core.Correlation;
import dev.pipeline.core.MessageIds;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.testsupport.AwsEnvironment;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;

import org.springframework.test.context.DynamicPropertyRegistry;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * What the worker's tests share: emulator wiring, sending messages as the API does, and
 * looking at the queue and the bucket.
 */
final class WorkerTestSupport {

	private WorkerTestSupport() {
	}

	static void register(DynamicPropertyRegistry registry, SqsEmulator sqs, S3Emulator s3, String queue,
			String bucket) {
		asProperties(sqs, s3, queue, bucket).forEach((name, value) -> registry.add(name, () -> value));
	}

	static Map<String, String> asProperties(SqsEmulator sqs, S3Emulator s3, String queue, String bucket) {
		return AwsEnvironment.local()
			.sqs(sqs.endpoint())
			.s3(s3.endpoint())
			.with("persist.queue.name", queue)
			.with("persist.bucket.name", bucket)
			.with("server.port", "0")
			.with("management.server.port", "0")
			.asMap();
	}

	/** Sends a message as the API does and returns its id (the pipeline's, not SQS's). */
	static String send(SqsClient sqs, String queueUrl, String body, Instant ingestedAt) {
		String id = MessageIds.random();
		sqs.sendMessage((
				request) -> request.queueUrl(queueUrl).messageBody(body).messageAttributes(attributes(ingestedAt, id)));
		return id;
	}

	/** Sends many messages as the API does, ten per call, and returns their ids. */
	static List<String> sendMany(SqsClient sqs, String queueUrl, List<String> bodies, Instant ingestedAt) {
		List<String> ids = new ArrayList<>(bodies.size());
		for (int start = 0; start < bodies.size(); start += 10) {
			List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
			for (int i = start; i < Math.min(start + 10, bodies.size()); i++) {
				String id = MessageIds.random();
				ids.add(id);
				entries.add(SendMessageBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.messageBody(bodies.get(i))
					.messageAttributes(attributes(ingestedAt, id))
					.build());
			}
			var response = sqs.sendMessageBatch((request) -> request.queueUrl(queueUrl).entries(entries));
			if (!response.failed().isEmpty()) {
				throw new IllegalStateException("Send failed: " + response.failed());
			}
		}
		return ids;
	}

	/** The attributes the API sends with a message. */
	static Map<String, MessageAttributeValue> attributes(Instant ingestedAt, String messageId) {
		return new QueueMessage(messageId, "", ingestedAt, Correlation.of(null, null)).attributes();
	}

	/**
	 * The attributes an API older than the message-id attribute sent (a rolling deploy).
	 */
	static Map<String, MessageAttributeValue> attributesBeforeMessageIds(Instant ingestedAt) {
		return Map.of(QueueMessage.INGESTED_AT, string(QueueMessage.formatIngestedAt(ingestedAt)));
	}

	private static MessageAttributeValue string(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

	/** Counts the messages on a queue, visible or in flight. */
	static int depth(SqsClient sqs, String queueUrl) {
		Map<QueueAttributeName, String> attributes = sqs
			.getQueueAttributes((request) -> request.queueUrl(queueUrl)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
			.attributes();
		return attributes.values().stream().mapToInt(Integer::parseInt).sum();
	}

	/** Lists every key under a prefix. */
	static List<String> keys(S3Client s3, String bucket, String prefix) {
		return s3.listObjectsV2Paginator((request) -> request.bucket(bucket).prefix(prefix))
			.contents()
			.stream()
			.map(S3Object::key)
			.toList();
	}

	static int health(int port) {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (Exception ex) {
			return -1;
		}
	}

}
