package dev.pipeline.api.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pipeline.api.ApiProperties;
import dev.pipeline.core.Correlation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.ObjectAssert;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge alone, as both adapters use it: routing, the checks before the body, reading
 * it within the limit, readiness and the stop, and the answers' shape. No server, no
 * emulator: the body is a function, and readiness and the stop are flags.
 */
class IngestEdgeTests {

	static final JsonMapper JSON = JsonMapper.builder().build();

	final AtomicBoolean ready = new AtomicBoolean(true);

	final AtomicBoolean stopping = new AtomicBoolean();

	final AtomicInteger reads = new AtomicInteger();

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	final IngestEdge edge = edge(Map.of("ingest.body.limit", "1KB", "ingest.body.budget", "2KB"));

	@Test
	void admitsAJsonPostToIngestWithItsBytesAndARequestIdInTheLogContext() {
		byte[] body = "{\"token\":\"t\",\"data\":{\"é\":1}}".getBytes(StandardCharsets.UTF_8);
		try (IngestEdge.Admission admission = this.edge.admit(head("POST", "/ingest", "application/json", body.length),
				(atMost) -> body)) {
			assertThat(admission.answer()).isNull();
			assertThat(admission.body()).isEqualTo(body);
			assertThat(MDC.get(Correlation.LOG_KEY)).matches("[0-9a-f-]{36}");
		}
		assertThat(MDC.get(Correlation.LOG_KEY)).as("closed, the request id leaves the log context").isNull();
	}

	@Test
	void answersWhatItCanWithoutReadingTheBody() {
		assertRejected(head("GET", "/ingest", null, 0), 405, "method-not-allowed")
			.satisfies((answer) -> assertThat(answer.headers()).containsEntry("Allow", "POST"));
		assertRejected(head("POST", "/ingest", "text/plain", 10), 415, "unsupported-media-type");
		assertRejected(head("POST", "/ingest", "application/x-www-form-urlencoded", 10), 415, "unsupported-media-type");
		assertRejected(head("POST", "/ingest", "application/json", 1025), 413, "payload-too-large");
		assertRejected(head("POST", "/ingest/x", "application/json", 10), 404, "not-found");
		assertRejected(head("POST", "/ingestx", "application/json", 10), 404, "not-found");
		assertRejected(head("GET", "/", null, 0), 404, "not-found");
		assertRejected(head("DELETE", "/health", null, 0), 405, "method-not-allowed")
			.satisfies((answer) -> assertThat(answer.headers()).containsEntry("Allow", "GET"));
		assertThat(this.reads).as("no body was read").hasValue(0);
		assertThat(this.meters.get("ingest.requests").tag("status", "415").counter().count()).isEqualTo(2);
	}

	@Test
	void readsNoMoreThanTheLimitWhenNoLengthIsDeclared() {
		byte[] large = new byte[4096];
		Arrays.fill(large, (byte) ' ');
		IngestEdge.Answer answer = this.edge.admit(head("POST", "/ingest", "application/json", -1), (atMost) -> {
			assertThat(atMost).isEqualTo(1025);
			return Arrays.copyOf(large, atMost);
		}).answer();
		assertThat(answer.status()).isEqualTo(413);
	}

	@Test
	void refusesBytesThatAreNotStrictUtf8() {
		byte[] bad = { '{', '"', (byte) 0xC3, 0x28, '"', '}' };
		IngestEdge.Answer answer = this.edge
			.admit(head("POST", "/ingest", "application/json", bad.length), (atMost) -> bad)
			.answer();
		assertThat(answer.status()).isEqualTo(400);
		assertThat(json(answer).get("type").asString()).endsWith(":malformed-request");
	}

	@Test
	void answers503WhenTheBudgetHasNoRoomAndGivesTheRoomBackOnClose() {
		IngestEdge.Admission first = this.edge.admit(head("POST", "/ingest", "application/json", 1024), this::read);
		IngestEdge.Admission second = this.edge.admit(head("POST", "/ingest", "application/json", 1024), this::read);
		IngestEdge.Answer busy = this.edge.admit(head("POST", "/ingest", "application/json", 1024), this::read)
			.answer();
		assertThat(busy.status()).isEqualTo(503);
		assertThat(busy.headers()).containsEntry("Retry-After", "1");
		assertThat(json(busy).get("type").asString()).endsWith(":unavailable-busy");
		first.close();
		second.close();
		assertThat(this.edge.admit(head("POST", "/ingest", "application/json", 1024), this::read).answer()).isNull();
	}

	@Test
	void healthIsUpOnlyWhenEveryDependencyIsReadyAndTheServerIsNotStopping() {
		assertThat(health().status()).isEqualTo(200);
		assertThat(json(health())).isEqualTo(JSON.readTree("{\"status\":\"UP\"}"));
		this.ready.set(false);
		assertThat(health().status()).isEqualTo(503);
		this.ready.set(true);
		this.stopping.set(true);
		assertThat(health().status()).isEqualTo(503);
		assertThat(health().headers()).containsEntry("Connection", "close");
	}

	@Test
	void whileStoppingIngestGets503WithRetryAfterAndEveryAnswerClosesItsConnection() {
		this.stopping.set(true);
		IngestEdge.Answer answer = this.edge.admit(head("POST", "/ingest", "application/json", 10), this::read)
			.answer();
		assertThat(answer.status()).isEqualTo(503);
		assertThat(answer.headers()).containsEntry("Retry-After", "3").containsEntry("Connection", "close");
		assertThat(this.edge.accepted("id", "emails/id.json").headers()).containsEntry("Connection", "close");
	}

	@Test
	void anUnexpectedFailureIsA500ThatSaysNothing() {
		IngestEdge.Answer answer = this.edge.rejected(new IllegalStateException("queue arn:aws:sqs:secret"));
		assertThat(answer.status()).isEqualTo(500);
		assertThat(new String(answer.body(), StandardCharsets.UTF_8)).doesNotContain("secret")
			.contains("\"instance\":\"/ingest\"");
	}

	@Test
	void anAnswerSurvivesTheTripThroughAMessage() {
		IngestEdge.Answer problem = this.edge.rejected(Rejection.methodNotAllowed(Set.of(HttpMethod.POST)));
		IngestEdge.Answer back = IngestEdge.Answer.of(problem.toMessage());
		assertThat(back.status()).isEqualTo(problem.status());
		assertThat(back.headers()).isEqualTo(problem.headers());
		assertThat(back.body()).isEqualTo(problem.body());
		assertThat(problem.toMessage().getHeaders()).containsEntry("Retry-After", "")
			.as("a header the answer has not is empty, so a copied request header cannot stand in for it");
	}

	private ObjectAssert<IngestEdge.Answer> assertRejected(IngestEdge.Head head, int status, String type) {
		IngestEdge.Answer answer = this.edge.admit(head, this::read).answer();
		assertThat(answer.status()).isEqualTo(status);
		assertThat(answer.headers()).containsEntry("Content-Type", "application/problem+json")
			.containsKey(IngestEdge.REQUEST_ID);
		JsonNode problem = json(answer);
		assertThat(problem.get("type").asString()).isEqualTo("urn:ingest-pipeline:problem:" + type);
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("instance").asString()).isEqualTo(head.path());
		return assertThat(answer);
	}

	private IngestEdge.Answer health() {
		return this.edge.admit(head("GET", "/health", null, 0), this::read).answer();
	}

	private byte[] read(int atMost) throws IOException {
		this.reads.incrementAndGet();
		return "{}".getBytes(StandardCharsets.UTF_8);
	}

	private static IngestEdge.Head head(String method, String path, String contentType, long length) {
		return new IngestEdge.Head(method, path, (name) -> "Content-Type".equalsIgnoreCase(name) ? contentType : null,
				length);
	}

	private static JsonNode json(IngestEdge.Answer answer) {
		return JSON.readTree(answer.body());
	}

	private IngestEdge edge(Map<String, String> settings) {
		ApiProperties properties = new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("ingest",
				ApiProperties.class);
		DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
		beans.registerSingleton("dependency", (IngestEdge.Readiness) this.ready::get);
		beans.registerSingleton("stop", new IngestEdge.Stopping() {

			@Override
			public boolean isStopping() {
				return IngestEdgeTests.this.stopping.get();
			}

			@Override
			public Duration retryAfter() {
				return Duration.ofSeconds(3);
			}

		});
		return new IngestEdge(properties, beans.getBeanProvider(IngestEdge.Readiness.class),
				beans.getBeanProvider(IngestEdge.Stopping.class), this.meters, JSON);
	}

}
