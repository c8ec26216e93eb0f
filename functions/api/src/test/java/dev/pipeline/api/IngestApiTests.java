package dev.pipeline.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

import dev.pipeline.api.queue.QueuePublisher;
import dev.pipeline.api.token.TokenVerifier;
import dev.pipeline.core.Correlation;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.depth;
import static dev.pipeline.api.ApiTestSupport.drain;
import static dev.pipeline.api.ApiTestSupport.get;
import static dev.pipeline.api.ApiTestSupport.json;
import static dev.pipeline.api.ApiTestSupport.post;
import static dev.pipeline.api.ApiTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API over real HTTP, against ElasticMQ and the SSM stub.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class IngestApiTests {

	static final String QUEUE = "ingest-api-tests";

	static final String PARAMETER = "/ingest-api-tests/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final String WRONG_TOKEN = "wrong-" + ApiTestSupport.newToken();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = Emulators.ssm();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	@LocalServerPort
	int port;

	@Autowired
	QueuePublisher publisher;

	@Autowired
	TokenVerifier tokens;

	@Autowired
	MeterRegistry meters;

	@Autowired
	List<DispatcherType> dispatches;

	/**
	 * Records how each {@code /ingest} request is dispatched, asynchronous re-dispatches
	 * included.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class Dispatches {

		@Bean
		List<DispatcherType> dispatches() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		FilterRegistrationBean<Filter> dispatchRecorder(List<DispatcherType> dispatches) {
			Filter recorder = (request, response, chain) -> {
				dispatches.add(request.getDispatcherType());
				chain.doFilter(request, response);
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(recorder);
			registration.addUrlPatterns("/ingest");
			registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
			return registration;
		}

	}

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		ssm.putSecureString(PARAMETER, TOKEN);
		ApiTestSupport.register(registry, sqsEmulator, ssm, QUEUE, PARAMETER);
	}

	@AfterAll
	static void stopEmulators() {
		sqs.close();
	}

	@BeforeEach
	void readyAndEmpty() {
		await().atMost(Duration.ofSeconds(30)).until(() -> get(this.port, "/health").statusCode() == 200);
		drain(sqs, queueUrl);
	}

	@Test
	void acceptsTheFirstSeedExampleAndQueuesExactlyItsData() {
		String data = "{\"email_timestream\":1764201600,\"hello\":\"world\"}";
		Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
		HttpResponse<String> response = postJson(this.port, body(TOKEN, data));
		Instant after = Instant.now();

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		JsonNode accepted = json(response);
		String messageId = accepted.get("messageId").asString();
		List<Message> messages = drain(sqs, queueUrl);
		assertThat(messages).hasSize(1);
		Message message = messages.get(0);
		assertThat(UUID.fromString(messageId).version()).as("the pipeline's own id, random").isEqualTo(4);
		assertThat(message.messageId()).as("not the SQS MessageId, which a redrive changes").isNotEqualTo(messageId);
		assertThat(message.body()).isEqualTo(data).doesNotContain(TOKEN);
		assertThat(message.messageAttributes()).containsOnlyKeys(QueueMessage.INGESTED_AT, QueueMessage.MESSAGE_ID,
				Correlation.REQUEST_ID);
		assertThat(message.messageAttributes().get(Correlation.REQUEST_ID).stringValue())
			.isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
		assertThat(message.messageAttributes().get(QueueMessage.MESSAGE_ID).stringValue()).isEqualTo(messageId);
		String ingestedAtText = message.messageAttributes().get(QueueMessage.INGESTED_AT).stringValue();
		assertThat(ingestedAtText).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
		Instant ingestedAt = Instant.parse(ingestedAtText);
		assertThat(ingestedAt).isBetween(before, after);
		String day = DateTimeFormatter.ofPattern("yyyy/MM/dd").format(LocalDate.ofInstant(ingestedAt, ZoneOffset.UTC));
		assertThat(accepted.get("key").asString()).isEqualTo("emails/" + day + "/" + messageId + ".json");
		assertThat(accepted.propertyNames()).containsExactlyInAnyOrder("messageId", "key");
	}

	@Test
	void givesARetryWithTheSameIdempotencyKeyAndDataTheSameMessageIdAndKey() {
		String data = "{\"email_timestream\":1764201600,\"n\":1}";
		Map<String, String> key = Map.of("Idempotency-Key", "order-4711");
		JsonNode first = json(post(this.port, "/ingest", "application/json", body(TOKEN, data), key));
		JsonNode retry = json(post(this.port, "/ingest", "application/json", body(TOKEN, data),
				Map.of("idempotency-key", "order-4711")));
		JsonNode otherData = json(post(this.port, "/ingest", "application/json",
				body(TOKEN, "{\"email_timestream\":1764201600,\"n\":2}"), key));
		JsonNode noKey = json(postJson(this.port, body(TOKEN, data)));

		assertThat(retry).isEqualTo(first);
		assertThat(UUID.fromString(first.get("messageId").asString()).version()).isEqualTo(5);
		assertThat(otherData.get("messageId")).isNotEqualTo(first.get("messageId"));
		assertThat(noKey.get("messageId")).isNotEqualTo(first.get("messageId"));
		List<Message> messages = drain(sqs, queueUrl);
		assertThat(messages).hasSize(4)
			.extracting((message) -> message.messageAttributes().get(QueueMessage.MESSAGE_ID).stringValue())
			.containsExactlyInAnyOrder(first.get("messageId").asString(), first.get("messageId").asString(),
					otherData.get("messageId").asString(), noKey.get("messageId").asString());
	}

	@Test
	void carriesTheRequestIdAndAValidTraceparentToTheQueueAndDropsAnInvalidOne() {
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		String data = "{\"email_timestream\":1764201600}";
		HttpResponse<String> traced = post(this.port, "/ingest", "application/json", body(TOKEN, data),
				Map.of("traceparent", traceparent));
		Message tracedMessage = drain(sqs, queueUrl).get(0);
		HttpResponse<String> invalid = post(this.port, "/ingest", "application/json", body(TOKEN, data),
				Map.of("traceparent", "00-not-a-trace-01"));
		Message invalidMessage = drain(sqs, queueUrl).get(0);

		assertThat(traced.statusCode()).isEqualTo(202);
		assertThat(tracedMessage.messageAttributes().get(Correlation.TRACEPARENT).stringValue()).isEqualTo(traceparent);
		assertThat(tracedMessage.messageAttributes().get(Correlation.REQUEST_ID).stringValue())
			.isEqualTo(traced.headers().firstValue("X-Request-Id").orElseThrow());
		assertThat(traced.body()).doesNotContain(traceparent);
		assertThat(invalid.statusCode()).as("an invalid traceparent is dropped, not refused").isEqualTo(202);
		assertThat(invalidMessage.messageAttributes()).doesNotContainKey(Correlation.TRACEPARENT);
	}

	@ParameterizedTest
	// Java's client sends a non-ASCII value as '?'; the Lambda test sends one.
	@ValueSource(strings = { "", "tab\there" })
	void rejectsAnIdempotencyKeyThatIsNotPrintableAsciiWith400NamingTheHeader(String value) {
		HttpResponse<String> response = post(this.port, "/ingest", "application/json",
				body(TOKEN, "{\"email_timestream\":1764201600}"), Map.of("Idempotency-Key", value));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json(response);
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
		assertThat(response.body()).doesNotContain(TOKEN);
		if (!value.isEmpty()) {
			assertThat(response.body()).doesNotContain(value);
		}
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@Test
	void rejectsAnIdempotencyKeyOver255CharactersAndChecksTheTokenFirst() {
		String data = "{\"email_timestream\":1764201600}";
		HttpResponse<String> tooLong = post(this.port, "/ingest", "application/json", body(TOKEN, data),
				Map.of("Idempotency-Key", "k".repeat(256)));
		assertThat(tooLong.statusCode()).isEqualTo(400);
		assertThat(json(tooLong).get("type").asString()).endsWith(":invalid-header");
		HttpResponse<String> longest = post(this.port, "/ingest", "application/json", body(TOKEN, data),
				Map.of("Idempotency-Key", "k".repeat(255)));
		assertThat(longest.statusCode()).isEqualTo(202);
		HttpResponse<String> unauthenticated = post(this.port, "/ingest", "application/json", body(WRONG_TOKEN, data),
				Map.of("Idempotency-Key", "k".repeat(256)));
		assertThat(unauthenticated.statusCode()).isEqualTo(401);
		assertThat(drain(sqs, queueUrl)).hasSize(1);
	}

	@Test
	void publishesAgainAfterItsLifecycleBeansAreStoppedAndStartedAsAroundASnapStartSnapshot() {
		// Spring stops the lifecycle beans before a snapshot and starts them after a
		// restore
		// (its CRaC support, active with org.crac on the class path).
		this.publisher.stop();
		this.tokens.stop();
		this.publisher.start();
		this.tokens.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.publisher.isReady() && this.tokens.isReady());

		HttpResponse<String> response = postJson(this.port, body(TOKEN, "{\"email_timestream\":1764201600}"));

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(drain(sqs, queueUrl)).hasSize(1);
	}

	@Test
	void answersAcceptedRequestsOnTheirFirstDispatch() {
		this.dispatches.clear();
		HttpResponse<String> response = postJson(this.port, body(TOKEN, "{\"email_timestream\":1764201600}"));
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(json(response).get("messageId").asString()).isNotBlank();
		assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
		assertThat(this.dispatches).containsExactly(DispatcherType.REQUEST);
		assertThat(drain(sqs, queueUrl)).hasSize(1);
	}

	@Test
	void acceptsTheFourFieldSeedExampleWithAStringTimestamp() {
		String data = "{\"email_subject\":\"Quarterly report\",\"email_sender\":\"alice@example.com\","
				+ "\"email_timestream\":\"1764201600\",\"email_content\":\"Numbers attached.\"}";
		HttpResponse<String> response = postJson(this.port, body(TOKEN, data));
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(drain(sqs, queueUrl)).singleElement().satisfies((m) -> assertThat(m.body()).isEqualTo(data));
	}

	@Test
	void rejectsMissingEmptyAndWrongTokensWithOneIdenticalBodyAndQueuesNothing() {
		String data = "{\"email_timestream\":1764201600}";
		HttpResponse<String> wrong = postJson(this.port, body(WRONG_TOKEN, data));
		HttpResponse<String> empty = postJson(this.port, body("", data));
		HttpResponse<String> missing = postJson(this.port, "{\"data\":" + data + "}");
		HttpResponse<String> notAString = postJson(this.port, "{\"token\":42,\"data\":" + data + "}");
		for (HttpResponse<String> response : List.of(wrong, empty, missing, notAString)) {
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.body()).isEqualTo(wrong.body()).doesNotContain(TOKEN).doesNotContain(WRONG_TOKEN);
		}
		assertThat(json(wrong).get("status").asInt()).isEqualTo(401);
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@Test
	void checksTheTokenBeforeTheDataRules() {
		HttpResponse<String> response = postJson(this.port, body(WRONG_TOKEN, "{\"email_timestream\":\"soon\"}"));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).doesNotContain("email_timestream");
		HttpResponse<String> noData = postJson(this.port, "{\"token\":\"nope\"}");
		assertThat(noData.statusCode()).isEqualTo(401);
	}

	@Test
	void reportsBrokenDataRulesAsProblemWithErrors() {
		HttpResponse<String> response = postJson(this.port, body(TOKEN, "{\"email_timestream\":1764201600000}"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json(response);
		assertThat(problem.get("type").asString()).isNotBlank();
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("detail").asString()).isNotBlank();
		JsonNode error = problem.get("errors").get(0);
		assertThat(error.get("field").asString()).isEqualTo("data.email_timestream");
		assertThat(error.get("message").asString()).contains("milliseconds");
		assertThat(response.body()).doesNotContain(TOKEN);
		HttpResponse<String> noData = postJson(this.port, "{\"token\":\"" + TOKEN + "\"}");
		assertThat(noData.statusCode()).isEqualTo(400);
		assertThat(json(noData).get("errors").get(0).get("field").asString()).isEqualTo("data");
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{", "not json", "[]", "{\"token\":\"t\",\"data\":{}} trailing",
			"{\"token\":\"t\",\"extra\":1}", "{\"token\":\"a\",\"token\":\"b\"}", "" })
	void rejectsMalformedBodiesWith400(String body) {
		HttpResponse<String> response = postJson(this.port, body);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@Test
	void rejectsAJsonArrayOfRequestsInsteadOfIngestingEachElement() {
		String one = body(TOKEN, "{\"email_timestream\":1764201600}");
		HttpResponse<String> response = postJson(this.port, "[" + one + "," + one + "]");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@Test
	void rejectsDeeplyNestedJsonWith400() {
		String deep = "[".repeat(100_000) + "]".repeat(100_000);
		HttpResponse<String> response = postJson(this.port, body(TOKEN, "{\"email_timestream\":1,\"x\":" + deep + "}"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).get("detail").asString()).contains("nested deeper");
	}

	@Test
	void rejectsOtherContentTypesWith415() {
		String body = body(TOKEN, "{\"email_timestream\":1764201600}");
		HttpResponse<String> text = post(this.port, "/ingest", "text/plain;x-echo=marker", body, Map.of());
		assertThat(text.statusCode()).isEqualTo(415);
		assertThat(text.body()).as("no echo of the content type").doesNotContain("text/plain", "marker");
		assertThat(post(this.port, "/ingest", "application/x-www-form-urlencoded", body, Map.of()).statusCode())
			.isEqualTo(415);
		HttpResponse<String> none = post(this.port, "/ingest", null, body, Map.of());
		assertThat(none.statusCode()).isEqualTo(415);
		assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(post(this.port, "/ingest", "application/json; charset=utf-8", body, Map.of()).statusCode())
			.isEqualTo(202);
		assertThat(drain(sqs, queueUrl)).hasSize(1);
	}

	@Test
	void rejectsBodiesOverTheLimitWith413WithOrWithoutALength() {
		String padding = "x".repeat(256 * 1024);
		String body = body(TOKEN, "{\"email_timestream\":1764201600,\"pad\":\"" + padding + "\"}");
		HttpResponse<String> sized = postJson(this.port, body);
		assertThat(sized.statusCode()).isEqualTo(413);
		assertThat(sized.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/ingest"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.fromPublisher(unsized(body)))
			.build();
		assertThat(ApiTestSupport.send(chunked).statusCode()).isEqualTo(413);
		assertThat(depth(sqs, queueUrl)).isZero();
		String justFits = body(TOKEN, "{\"email_timestream\":1764201600,\"pad\":\"" + "y".repeat(200 * 1024) + "\"}");
		assertThat(postJson(this.port, justFits).statusCode()).isEqualTo(202);
		assertThat(drain(sqs, queueUrl)).singleElement()
			.satisfies((m) -> assertThat(m.body()).hasSizeGreaterThan(200 * 1024));
	}

	@Test
	void answersOtherMethodsOnIngestWith405AndAllowPost() {
		for (String method : List.of("GET", "PUT", "PATCH", "DELETE", "OPTIONS")) {
			HttpResponse<String> response = ApiTestSupport
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/ingest"))
					.method(method, HttpRequest.BodyPublishers.noBody())
					.build());
			assertThat(response.statusCode()).as(method).isEqualTo(405);
			assertThat(response.headers().firstValue("Allow")).as(method).hasValue("POST");
			if (!method.equals("OPTIONS")) {
				assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			}
		}
	}

	@Test
	void answersUnknownPathsWith404() {
		String body = body(TOKEN, "{\"email_timestream\":1764201600}");
		for (String path : List.of("/", "/ingest/extra", "/ingestx", "/functionRouter", "/persist",
				"/actuator/health")) {
			HttpResponse<String> response = post(this.port, path, "application/json", body, Map.of());
			assertThat(response.statusCode()).as(path).isEqualTo(404);
			assertThat(get(this.port, path).statusCode()).as(path).isEqualTo(404);
		}
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@Test
	void neverEchoesRequestHeaders() {
		Map<String, String> headers = Map.of("X-Api-Key", "header-secret", "X-Custom-Echo", "echo-me", "X-Request-Id",
				"client-id");
		String good = body(TOKEN, "{\"email_timestream\":1764201600}");
		for (String body : List.of(good, body(WRONG_TOKEN, "{}"), "{", body(TOKEN, "{}"))) {
			HttpResponse<String> response = post(this.port, "/ingest", "application/json", body, headers);
			assertThat(response.headers().map()).doesNotContainKeys("x-api-key", "x-custom-echo", "upgrade",
					"http2-settings", "user-agent");
			assertThat(response.headers().allValues("connection")).noneMatch((value) -> value.contains("Upgrade"));
			assertThat(response.headers().allValues("X-Request-Id")).singleElement().isNotEqualTo("client-id");
			assertThat(response.body()).doesNotContain("header-secret", "echo-me", "client-id");
		}
		drain(sqs, queueUrl);
	}

	@Test
	void countsAcceptedAndRejectedRequestsByReasonAndTimesPublishing() {
		double accepted = this.meters
			.counter("ingest.requests", "outcome", "accepted", "status", "202", "reason", "none")
			.count();
		double unauthorized = this.meters
			.counter("ingest.requests", "outcome", "rejected", "status", "401", "reason", "invalid-token")
			.count();
		long publishes = this.meters.timer("ingest.publish").count();
		double sends = sqsRequests();
		postJson(this.port, body(TOKEN, "{\"email_timestream\":1764201600}"));
		postJson(this.port, body(WRONG_TOKEN, "{\"email_timestream\":1764201600}"));
		assertThat(this.meters.counter("ingest.requests", "outcome", "accepted", "status", "202", "reason", "none")
			.count()).isEqualTo(accepted + 1);
		assertThat(this.meters
			.counter("ingest.requests", "outcome", "rejected", "status", "401", "reason", "invalid-token")
			.count()).isEqualTo(unauthorized + 1);
		assertThat(this.meters.timer("ingest.publish").count()).isEqualTo(publishes + 1);
		// Spring's per-request observations are off: nothing reads them, and they cost
		// CPU.
		assertThat(this.meters.find("http.server.requests").meters()).isEmpty();
		assertThat(this.meters.find("spring.cloud.function").meters()).isEmpty();
		assertThat(sqsRequests()).isEqualTo(sends + 1);
		assertThat(this.meters.find("ingest.token.refreshes").tag("outcome", "success").counter()).isNotNull();
		drain(sqs, queueUrl);
	}

	private double sqsRequests() {
		return this.meters.find("aws.requests")
			.tag("service", "Sqs")
			.counters()
			.stream()
			.mapToDouble((c) -> c.count())
			.sum();
	}

	@Test
	void reportsHealthAsUp() {
		HttpResponse<String> response = get(this.port, "/health");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).toString()).isEqualTo("{\"status\":\"UP\"}");
	}

	@Test
	void neverLogsTheToken(CapturedOutput output) {
		postJson(this.port, body(TOKEN, "{\"email_timestream\":1764201600,\"secret\":\"payload-marker\"}"));
		postJson(this.port, body(WRONG_TOKEN, "{\"email_timestream\":1764201600}"));
		postJson(this.port, "{\"token\":\"" + TOKEN + "\",\"data\":{\"email_timestream\":-1}}");
		postJson(this.port, "{\"token\":\"" + TOKEN + "\"");
		assertThat(output.getAll()).contains("Accepted")
			.doesNotContain(TOKEN)
			.doesNotContain(WRONG_TOKEN)
			.doesNotContain("payload-marker");
		drain(sqs, queueUrl);
	}

	private static Flow.Publisher<java.nio.ByteBuffer> unsized(String body) {
		return HttpRequest.BodyPublishers.ofString(body)::subscribe;
	}

}
