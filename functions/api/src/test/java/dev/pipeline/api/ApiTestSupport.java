package dev.pipeline.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.pipeline.core.QueueMessage;
import dev.pipeline.testsupport.AwsEnvironment;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the API's integration tests share: emulator wiring, a plain HTTP client and queue
 * inspection.
 */
public final class ApiTestSupport {

	public static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ApiTestSupport() {
	}

	public static String newToken() {
		return "tok-" + UUID.randomUUID();
	}

	/**
	 * Points the application at the emulators through the SDK's standard setting names.
	 */
	public static void register(DynamicPropertyRegistry registry, SqsEmulator sqs, SsmStub ssm, String queueName,
			String parameterName) {
		environment(sqs, ssm, queueName, parameterName).asMap()
			.forEach((name, value) -> registry.add(name, () -> value));
	}

	/**
	 * The API's settings against the emulators.
	 */
	public static AwsEnvironment environment(SqsEmulator sqs, SsmStub ssm, String queueName, String parameterName) {
		return AwsEnvironment.local()
			.sqs(sqs.endpoint())
			.ssm(ssm.endpoint())
			.with("ingest.queue.name", queueName)
			.with("ingest.token.parameter", parameterName);
	}

	/**
	 * Starts the API as its jar does, on free ports, against the emulators.
	 * @param extra more arguments, e.g. {@code --ingest.body.limit=1MB}
	 * @return the running application; close it to stop it as SIGTERM does
	 */
	public static ConfigurableApplicationContext startApi(SqsEmulator sqs, SsmStub ssm, String queueName,
			String parameterName, String... extra) {
		List<String> args = new ArrayList<>(
				List.of(environment(sqs, ssm, queueName, parameterName).with("server.port", "0")
					.with("management.server.port", "0")
					.asArguments()));
		args.addAll(List.of(extra));
		return new SpringApplication(ApiApplication.class).run(args.toArray(String[]::new));
	}

	public static HttpResponse<String> post(int port, String path, String contentType, String body,
			Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		headers.forEach(request::header);
		return send(request.build());
	}

	public static HttpResponse<String> postJson(int port, String body) {
		return post(port, "/ingest", "application/json", body, Map.of());
	}

	public static HttpResponse<String> send(HttpRequest request) {
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public static HttpResponse<String> get(int port, String path) {
		return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build());
	}

	public static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	public static String body(String token, String data) {
		return "{\"token\":" + JSON.writeValueAsString(token) + ",\"data\":" + data + "}";
	}

	/**
	 * The pipeline's id of a queued message: what its client was told.
	 */
	public static String messageIdOf(Message message) {
		MessageAttributeValue id = message.messageAttributes().get(QueueMessage.MESSAGE_ID);
		return (id != null) ? id.stringValue() : null;
	}

	/**
	 * Receives and deletes every message now on the queue.
	 */
	public static List<Message> drain(SqsClient sqs, String queueUrl) {
		List<Message> all = new ArrayList<>();
		while (true) {
			List<Message> batch = sqs
				.receiveMessage((request) -> request.queueUrl(queueUrl)
					.maxNumberOfMessages(10)
					.waitTimeSeconds(0)
					.messageAttributeNames("All")
					.messageSystemAttributeNamesWithStrings("All"))
				.messages();
			if (batch.isEmpty()) {
				return all;
			}
			all.addAll(batch);
			sqs.deleteMessageBatch((request) -> request.queueUrl(queueUrl)
				.entries(batch.stream()
					.map((message) -> DeleteMessageBatchRequestEntry.builder()
						.id(message.messageId())
						.receiptHandle(message.receiptHandle())
						.build())
					.toList()));
		}
	}

	/**
	 * Counts the messages on the queue, visible or in flight.
	 */
	public static int depth(SqsClient sqs, String queueUrl) {
		Map<QueueAttributeName, String> attributes = sqs
			.getQueueAttributes((request) -> request.queueUrl(queueUrl)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
			.attributes();
		return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
				+ Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
	}

}
