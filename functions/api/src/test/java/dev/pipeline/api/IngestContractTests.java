package dev.pipeline.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.pipeline.api.AlbLambda.Answer;
import dev.pipeline.core.Correlation;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static dev.pipeline.api.ApiTestSupport.JSON;
import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.depth;
import static dev.pipeline.api.ApiTestSupport.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CONTRACT §1 through both adapters of the one HTTP edge, in one run: each case goes to
 * the web container (function-web, over HTTP) and, as a recorded ALB event, to the Lambda
 * function through the adapter's {@code FunctionInvoker} (the handler the Lambda function
 * names), and each answer is held to what the contract says, not to the other's. Both
 * publish to ElasticMQ with the token from the SSM stub.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class IngestContractTests {

	static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

	static final String QUEUE = "alb-ingest-tests";

	static final String PARAMETER = "/alb-ingest-tests/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = Emulators.ssm();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	/** The Lambda function, with the environment the web context gets too. */
	@RegisterExtension
	static final AlbLambda lambda = new AlbLambda(sqsEmulator, ssm, QUEUE, PARAMETER, TOKEN);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		ssm.putSecureString(PARAMETER, TOKEN);
		ApiTestSupport.register(registry, sqsEmulator, ssm, QUEUE, PARAMETER);
	}

	@AfterAll
	static void stop() {
		sqs.close();
	}

	@BeforeEach
	void readyAndEmpty() {
		// Both runtimes resolve the queue and the token in the background after start.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> lambda.invoke(AlbLambda.request("GET", "/health", null, "")).status() == 200);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> ApiTestSupport.get(this.port, "/health").statusCode() == 200);
		drain(sqs, queueUrl);
	}

	@Test
	void queuesExactlyTheDataAndAnswersWithTheKeyTheWorkerWillWrite(CapturedOutput output) {
		String data = "{ \"email_timestream\" : 1764201600, \"hello\":\"wörld ✉\" }";
		Instant before = Instant.now();

		Answer answer = lambda.invoke(AlbLambda.request("POST", "/ingest", "application/json", body(TOKEN, data)));

		assertThat(answer.status()).isEqualTo(202);
		assertThat(answer.headers()).containsEntry("Content-Type", "application/json");
		Message message = drain(sqs, queueUrl).get(0);
		assertThat(message.body()).isEqualTo(data);
		Instant ingestedAt = Instant.parse(message.messageAttributes().get(QueueMessage.INGESTED_AT).stringValue());
		assertThat(ingestedAt).isBetween(before.minusMillis(1), Instant.now());
		String day = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC).format(ingestedAt);
		String messageId = ApiTestSupport.messageIdOf(message);
		assertThat(message.messageAttributes().get(Correlation.REQUEST_ID).stringValue())
			.isEqualTo(answer.headers().get("X-Request-Id"));
		assertThat(answer.json().get("messageId").asString()).isEqualTo(messageId);
		assertThat(answer.json().get("key").asString()).isEqualTo("emails/" + day + "/" + messageId + ".json");
		assertThat(output).doesNotContain(TOKEN).doesNotContain("wörld");
	}

	@Test
	void givesARetryWithTheSameIdempotencyKeyTheSameAnswerAsEitherRuntime() {
		String body = body(TOKEN, "{\"email_timestream\":1764201600,\"retry\":true}");
		ObjectNode event = AlbLambda.request("POST", "/ingest", "application/json", body);
		((ObjectNode) event.get("headers")).put("idempotency-key", "alb-retry-1");

		Answer first = lambda.invoke(event);
		Answer retry = lambda.invoke(event);
		HttpResponse<String> web = ApiTestSupport.post(this.port, "/ingest", "application/json", body,
				Map.of("Idempotency-Key", "alb-retry-1"));

		assertThat(first.status()).isEqualTo(202);
		assertThat(retry.json()).isEqualTo(first.json());
		assertThat(ApiTestSupport.json(web)).isEqualTo(first.json());
		assertThat(drain(sqs, queueUrl)).hasSize(3)
			.extracting(ApiTestSupport::messageIdOf)
			.containsOnly(first.json().get("messageId").asString());

		for (String value : List.of("", "caf\u00e9", "x".repeat(256))) {
			((ObjectNode) event.get("headers")).put("idempotency-key", value);
			Answer invalid = lambda.invoke(event);
			assertThat(invalid.status()).isEqualTo(400);
			assertThat(invalid.json().get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
		}
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@Test
	void readsABase64EncodedBody() {
		String data = "{\"email_timestream\":\"1764201600\",\"email_subject\":\"é\"}";
		ObjectNode event = AlbLambda.request("POST", "/ingest", "application/json", "");
		event.put("body", Base64.getEncoder().encodeToString(body(TOKEN, data).getBytes(StandardCharsets.UTF_8)));
		event.put("isBase64Encoded", true);

		assertThat(lambda.invoke(event).status()).isEqualTo(202);
		assertThat(drain(sqs, queueUrl)).singleElement().satisfies((m) -> assertThat(m.body()).isEqualTo(data));
	}

	/** The two adapters, each given a request as method, path, content type and body. */
	enum Runtime {

		WEB, LAMBDA

	}

	/**
	 * One case of the contract: a request and its answer.
	 *
	 * @param name what the case is
	 * @param method the method
	 * @param path the path
	 * @param contentType the content type, or {@code null}
	 * @param body the body
	 * @param status the status the contract gives it
	 * @param type the problem type's last segment, or {@code null} for an answer that is
	 * no problem
	 * @param allow the {@code Allow} header, or {@code null}
	 */
	record Case(String name, String method, String path, String contentType, String body, int status, String type,
			String allow) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static Stream<Arguments> contract() {
		String good = body(TOKEN, "{\"email_timestream\":1764201600}");
		String longBody = body(TOKEN, "{\"email_timestream\":1764201600,\"pad\":\"" + "x".repeat(256 * 1024) + "\"}");
		List<Case> cases = List.of(new Case("accepted", "POST", "/ingest", "application/json", good, 202, null, null),
				new Case("accepted, +json type", "POST", "/ingest", "application/vnd.ingest+json", good, 202, null,
						null),
				new Case("wrong token", "POST", "/ingest", "application/json",
						body("wrong-" + TOKEN, "{\"email_timestream\":1764201600}"), 401, "invalid-token", null),
				new Case("missing token", "POST", "/ingest", "application/json", "{\"data\":{}}", 401, "invalid-token",
						null),
				new Case("broken data rule", "POST", "/ingest", "application/json",
						body(TOKEN, "{\"email_timestream\":1764201600000}"), 400, "invalid-data", null),
				new Case("malformed", "POST", "/ingest", "application/json", "{", 400, "malformed-request", null),
				new Case("array", "POST", "/ingest", "application/json", "[" + good + "," + good + "]", 400,
						"malformed-request", null),
				new Case("empty", "POST", "/ingest", "application/json", "", 400, "malformed-request", null),
				new Case("too large", "POST", "/ingest", "application/json", longBody, 413, "payload-too-large", null),
				new Case("text", "POST", "/ingest", "text/plain", good, 415, "unsupported-media-type", null),
				new Case("no type", "POST", "/ingest", null, good, 415, "unsupported-media-type", null),
				new Case("GET", "GET", "/ingest", null, "", 405, "method-not-allowed", "POST"),
				new Case("PUT", "PUT", "/ingest", "application/json", good, 405, "method-not-allowed", "POST"),
				new Case("DELETE", "DELETE", "/ingest", null, "", 405, "method-not-allowed", "POST"),
				new Case("PATCH", "PATCH", "/ingest", "application/json", good, 405, "method-not-allowed", "POST"),
				new Case("below the path", "POST", "/ingest/extra", "application/json", good, 404, "not-found", null),
				new Case("path with a suffix", "POST", "/ingestx", "application/json", good, 404, "not-found", null),
				new Case("other path", "POST", "/functionRouter", "application/json", good, 404, "not-found", null),
				new Case("root", "POST", "/", "application/json", good, 404, "not-found", null),
				new Case("health", "GET", "/health", null, "", 200, null, null), new Case("health, other method",
						"POST", "/health", "application/json", good, 405, "method-not-allowed", "GET"));
		return cases.stream().flatMap((c) -> Stream.of(Runtime.values()).map((runtime) -> Arguments.of(c, runtime)));
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("contract")
	void answersAsTheContractSays(Case c, Runtime runtime) {
		Answer answer = (runtime == Runtime.WEB) ? web(c.method(), c.path(), c.contentType(), c.body())
				: lambda.invoke(AlbLambda.request(c.method(), c.path(), c.contentType(), c.body()));

		assertThat(answer.status()).isEqualTo(c.status());
		assertThat(answer.headers().get("X-Request-Id")).matches(UUID);
		assertThat(answer.headers().get("Allow")).isEqualTo(c.allow());
		assertThat(answer.headers()).doesNotContainKey("Retry-After");
		assertThat(answer.headers().keySet()).allSatisfy((header) -> assertThat(header.toLowerCase())
			.isIn("content-type", "content-length", "date", "x-request-id", "allow", "keep-alive", "connection"));
		assertThat(answer.body()).doesNotContain("header-secret").doesNotContain(TOKEN);
		JsonNode json = answer.json();
		if (c.type() != null) {
			assertThat(answer.headers().get("Content-Type")).isEqualTo("application/problem+json");
			assertThat(json.get("type").asString()).isEqualTo("urn:ingest-pipeline:problem:" + c.type());
			assertThat(json.get("status").asInt()).isEqualTo(c.status());
			assertThat(json.get("title").asString()).isNotBlank();
			assertThat(json.get("detail").asString()).isNotBlank();
			assertThat(json.get("instance").asString()).isEqualTo(c.path());
			assertThat(json.has("errors")).isEqualTo(c.type().equals("invalid-data"));
		}
		else if (c.status() == 202) {
			assertThat(answer.headers().get("Content-Type")).isEqualTo("application/json");
			assertThat(json.get("messageId").asString()).matches(UUID);
			assertThat(json.get("key").asString())
				.matches("emails/\\d{4}/\\d{2}/\\d{2}/" + json.get("messageId").asString() + "\\.json");
			assertThat(drain(sqs, queueUrl)).hasSize(1);
		}
		else {
			assertThat(answer.headers().get("Content-Type")).isEqualTo("application/json");
			assertThat(json).isEqualTo(JSON.readTree("{\"status\":\"UP\"}"));
		}
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@Test
	void aRefusedRequestQueuesNothingOnEitherRuntime() {
		String wrong = body("wrong-" + TOKEN, "{\"email_timestream\":1764201600}");
		web("POST", "/ingest", "application/json", wrong);
		lambda.invoke(AlbLambda.request("POST", "/ingest", "application/json", wrong));
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	private Answer web(String method, String path, String contentType, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		HttpResponse<String> response = ApiTestSupport.send(request.build());
		Map<String, String> headers = new LinkedHashMap<>();
		response.headers().map().forEach((key, values) -> headers.put(canonical(key), String.join(", ", values)));
		return new Answer(response.statusCode(), headers, response.body());
	}

	private static String canonical(String header) {
		return switch (header.toLowerCase()) {
			case "content-type" -> "Content-Type";
			case "x-request-id" -> "X-Request-Id";
			case "allow" -> "Allow";
			case "retry-after" -> "Retry-After";
			default -> header;
		};
	}

}
