package dev.pipeline.api.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import dev.pipeline.api.ApiProperties;
import dev.pipeline.core.Correlation;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

/**
 * The API's one HTTP edge, the same behind either adapter (the web container's filter and
 * the ALB Lambda function): CONTRACT §1 in one place. A request comes in as its
 * {@link Head} and a way to read its body; {@link #admit} routes it
 * ({@code POST /ingest}, {@code GET /health}, 404 and 405 elsewhere), checks the head
 * (415, 413 on the declared length), holds room in the {@link BodyBudget} (503) and reads
 * the body within the limit, as strict UTF-8. An admitted body goes to the {@code ingest}
 * function, which answers through {@link #accepted} or {@link #rejected}. Every answer is
 * an {@link Answer}: status, the contract's headers (the server's own
 * {@code X-Request-Id}, {@code Allow}, {@code Retry-After}, {@code Connection: close}
 * while stopping) and a JSON body, a problem (RFC 9457) from the closed set of
 * {@link Rejection}s.
 */
@Component
public class IngestEdge {

	/** The one path the function is served at. */
	public static final String PATH = "/ingest";

	/** The load balancer's readiness check. */
	public static final String HEALTH = "/health";

	public static final String REQUEST_ID = "X-Request-Id";

	/** The headers an answer may have: an adapter writes these and no other. */
	public static final List<String> HEADERS = List.of(HttpHeaders.CONTENT_TYPE, REQUEST_ID, HttpHeaders.ALLOW,
			HttpHeaders.RETRY_AFTER, HttpHeaders.CONNECTION);

	/**
	 * The header of an answer as a message that carries its status, the name the AWS
	 * adapter of Spring Cloud Function gives it.
	 */
	public static final String STATUS = "statusCode";

	private static final Logger log = LoggerFactory.getLogger(IngestEdge.class);

	private static final String TYPE_PREFIX = "urn:ingest-pipeline:problem:";

	private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] DOWN = "{\"status\":\"DOWN\"}".getBytes(StandardCharsets.US_ASCII);

	private static final MediaType JSON_SUFFIX = MediaType.parseMediaType("application/*+json");

	private final long limit;

	private final BodyBudget budget;

	private final ObjectProvider<Readiness> dependencies;

	/** The server's stop, or {@code null} where it has none. */
	private final Stopping stopping;

	private final MeterRegistry meters;

	private final JsonMapper json;

	IngestEdge(ApiProperties properties, ObjectProvider<Readiness> dependencies, ObjectProvider<Stopping> stopping,
			MeterRegistry meters, JsonMapper json) {
		this.limit = properties.body().limit().toBytes();
		this.budget = new BodyBudget(properties.body().budgetBytes(), Duration.ofSeconds(1));
		this.dependencies = dependencies;
		// Once: a lookup per request through the bean factory was 3.6% of the API's CPU
		// samples under load.
		this.stopping = stopping.getIfAvailable();
		this.meters = meters;
		this.json = json;
	}

	/**
	 * What an adapter knows of a request before its body is read.
	 *
	 * @param method the method
	 * @param path the path, without query
	 * @param header a header's value by name, case-insensitive, or {@code null}
	 * @param declaredLength the {@code Content-Length}, or {@code -1} when unknown
	 */
	public record Head(String method, String path, UnaryOperator<String> header, long declaredLength) {
	}

	/** Reads a request's body: at most the given number of bytes. */
	@FunctionalInterface
	public interface Body {

		byte[] read(int atMost) throws IOException;

	}

	/** A dependency the API is not ready without. */
	public interface Readiness {

		boolean isReady();

	}

	/** The server's stop, where it has one (the web container's drain window). */
	public interface Stopping {

		boolean isStopping();

		/**
		 * When a client told to go away should come back.
		 * @return at least a second
		 */
		Duration retryAfter();

	}

	/**
	 * An answer, whichever adapter writes it.
	 *
	 * @param status the status
	 * @param headers the headers, among {@link IngestEdge#HEADERS}
	 * @param body the body's bytes
	 */
	public record Answer(int status, Map<String, String> headers, byte[] body) {

		/**
		 * The answer as the {@code ingest} function returns it: the body as payload, the
		 * status in {@link IngestEdge#STATUS}, and every header of {@link #HEADERS},
		 * empty when the answer has none (so a request's header of the same name, which
		 * function-web copies onto its response, cannot stand in for it).
		 * @return the message
		 */
		public Message<byte[]> toMessage() {
			MessageBuilder<byte[]> message = MessageBuilder.withPayload(this.body).setHeader(STATUS, this.status);
			for (String name : HEADERS) {
				message.setHeader(name, this.headers.getOrDefault(name, ""));
			}
			return message.build();
		}

		/**
		 * Reads an answer back from the headers it was written to.
		 * @param status the status
		 * @param header a header's value by name, or {@code null}
		 * @param body the body
		 * @return the answer, with the headers that are not empty
		 */
		public static Answer of(int status, UnaryOperator<String> header, byte[] body) {
			Map<String, String> headers = new LinkedHashMap<>();
			for (String name : HEADERS) {
				String value = header.apply(name);
				if (value != null && !value.isEmpty()) {
					headers.put(name, value);
				}
			}
			return new Answer(status, headers, body);
		}

		/**
		 * Reads an answer from the message the {@code ingest} function returned.
		 * @param message the message
		 * @return the answer
		 */
		public static Answer of(Message<byte[]> message) {
			Object status = message.getHeaders().get(STATUS);
			return of((status instanceof Integer code) ? code : Integer.parseInt(String.valueOf(status)),
					(name) -> (message.getHeaders().get(name) instanceof String text) ? text : null,
					message.getPayload());
		}

	}

	/**
	 * A request the edge has seen: either answered already ({@link #answer()}), or
	 * admitted with its checked body, holding its room in the budget until closed. Its
	 * request id is in the log context ({@code requestId}) until then.
	 */
	public final class Admission implements AutoCloseable {

		private final Answer answer;

		private final byte[] body;

		private final BodyBudget.Reservation reservation;

		private Admission(Answer answer, byte[] body, BodyBudget.Reservation reservation) {
			this.answer = answer;
			this.body = body;
			this.reservation = reservation;
		}

		/**
		 * The answer, when the edge answered the request itself.
		 * @return the answer, or {@code null} when the body is for the function
		 */
		public Answer answer() {
			return this.answer;
		}

		/**
		 * The admitted body: within the limit, strict UTF-8.
		 * @return its bytes
		 */
		public byte[] body() {
			return this.body;
		}

		@Override
		public void close() {
			if (this.reservation != null) {
				this.reservation.close();
			}
			MDC.remove(Correlation.LOG_KEY);
		}

	}

	/**
	 * Routes a request and checks everything before the function: see the class.
	 * @param head the request's head
	 * @param body its body, read only if the request gets that far
	 * @return the admission, to close when the request is answered
	 */
	public Admission admit(Head head, Body body) {
		MDC.put(Correlation.LOG_KEY, UUID.randomUUID().toString());
		String path = head.path();
		BodyBudget.Reservation reservation = null;
		try {
			boolean stopped = this.stopping != null && this.stopping.isStopping();
			if (HEALTH.equals(path)) {
				if (!"GET".equals(head.method()) && !"HEAD".equals(head.method())) {
					throw Rejection.methodNotAllowed(Set.of(HttpMethod.GET));
				}
				boolean ready = !stopped && this.dependencies.stream().allMatch(Readiness::isReady);
				return new Admission(answer(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
						MediaType.APPLICATION_JSON_VALUE, new HttpHeaders(), ready ? UP : DOWN), null, null);
			}
			if (stopped && path.startsWith(PATH)) {
				throw Rejection.unavailable("stopping", "The server is stopping", this.stopping.retryAfter(), null);
			}
			if (!PATH.equals(path)) {
				throw Rejection.notFound();
			}
			long declared = head.declaredLength();
			checkHead(head.method(), head.header().apply(HttpHeaders.CONTENT_TYPE), declared);
			reservation = this.budget.reserve((declared >= 0) ? declared : this.limit);
			return new Admission(null, read(body), reservation);
		}
		catch (RuntimeException ex) {
			if (reservation != null) {
				reservation.close();
			}
			return new Admission(rejected(ex, path), null, null);
		}
	}

	/**
	 * The answer to an accepted request: 202 with the message id and the key.
	 * @param messageId the pipeline's message id
	 * @param key where the worker will write the object
	 * @return the answer
	 */
	public Answer accepted(String messageId, String key) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("messageId", messageId);
		body.put("key", key);
		return answer(HttpStatus.ACCEPTED, MediaType.APPLICATION_JSON_VALUE, new HttpHeaders(),
				this.json.writeValueAsBytes(body));
	}

	/**
	 * The answer to a failure on {@code /ingest}: a {@link Rejection}'s problem, or a 500
	 * that says nothing for anything else (logged).
	 * @param failure what the request or the function threw
	 * @return the answer
	 */
	public Answer rejected(Throwable failure) {
		return rejected(failure, PATH);
	}

	private Answer rejected(Throwable failure, String path) {
		Rejection rejection = (failure instanceof Rejection known) ? known : null;
		if (rejection == null) {
			log.error("Unexpected failure", failure);
		}
		else if (rejection instanceof Rejection.Unavailable unavailable) {
			log.atWarn()
				.addKeyValue("reason", unavailable.type())
				.addKeyValue("cause",
						(unavailable.getCause() != null) ? unavailable.getCause().getClass().getSimpleName() : null)
				.log("Service unavailable: {}", unavailable.why());
		}
		HttpStatus status = (rejection != null) ? rejection.status() : HttpStatus.INTERNAL_SERVER_ERROR;
		String type = (rejection != null) ? rejection.type() : "internal";
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", TYPE_PREFIX + type);
		problem.put("title", (rejection != null) ? rejection.title() : "Internal error");
		problem.put("status", status.value());
		problem.put("detail", (rejection != null) ? rejection.detail() : "The request failed unexpectedly");
		problem.put("instance", path);
		HttpHeaders headers = new HttpHeaders();
		if (rejection != null) {
			if (!rejection.errors().isEmpty()) {
				problem.put("errors", rejection.errors());
			}
			rejection.addHeaders(headers);
		}
		log.atInfo().addKeyValue("status", status.value()).addKeyValue("reason", type).log("Rejected");
		this.meters
			.counter("ingest.requests", "outcome", "rejected", "status", Integer.toString(status.value()), "reason",
					type)
			.increment();
		return answer(status, MediaType.APPLICATION_PROBLEM_JSON_VALUE, headers, this.json.writeValueAsBytes(problem));
	}

	private Answer answer(HttpStatus status, String contentType, HttpHeaders extra, byte[] body) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(HttpHeaders.CONTENT_TYPE, contentType);
		String requestId = MDC.get(Correlation.LOG_KEY);
		if (requestId != null) {
			headers.put(REQUEST_ID, requestId);
		}
		extra.forEach((name, values) -> headers.put(canonical(name), String.join(", ", values)));
		if (this.stopping != null && this.stopping.isStopping()) {
			// Answered while stopping: the client reconnects, to another task.
			headers.put(HttpHeaders.CONNECTION, "close");
		}
		return new Answer(status.value(), headers, body);
	}

	private static String canonical(String name) {
		for (String known : HEADERS) {
			if (known.equalsIgnoreCase(name)) {
				return known;
			}
		}
		return name.toLowerCase(Locale.ROOT);
	}

	private void checkHead(String method, String contentType, long declaredLength) {
		if (!"POST".equals(method)) {
			throw Rejection.methodNotAllowed(Set.of(HttpMethod.POST));
		}
		if (!isJson(contentType)) {
			throw Rejection.unsupportedMediaType();
		}
		if (declaredLength > this.limit) {
			throw Rejection.tooLarge(this.limit);
		}
	}

	/**
	 * Reads at most the limit plus one byte, so a body without a length cannot make the
	 * server buffer more than the limit, and checks that it is strict UTF-8: a reader
	 * that decodes it again (function-web reads it as a {@code String}) then loses
	 * nothing.
	 */
	private byte[] read(Body in) {
		byte[] body;
		try {
			body = in.read((int) this.limit + 1);
		}
		catch (IOException ex) {
			throw Rejection.unreadable(ex);
		}
		if (body.length > this.limit) {
			throw Rejection.tooLarge(this.limit);
		}
		BodyText.check(body);
		return body;
	}

	private static boolean isJson(String contentType) {
		if (contentType == null || contentType.isBlank()) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type) || JSON_SUFFIX.includes(type);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

}
