package dev.pipeline.api.http;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * Every way the API refuses a request, each with the status, problem type, title and
 * detail the contract gives it (CONTRACT §1). The set is closed: {@link IngestEdge}
 * answers a rejection with exactly these, and anything else that fails a request is a 500
 * that says nothing. Every text is fixed: nothing from the request or an internal name is
 * repeated.
 */
public abstract sealed class Rejection extends RuntimeException {

	private final HttpStatus status;

	private final String type;

	private final String title;

	private Rejection(HttpStatus status, String type, String title, String detail, Throwable cause) {
		super(detail, cause, false, false);
		this.status = status;
		this.type = type;
		this.title = title;
	}

	public HttpStatus status() {
		return this.status;
	}

	/**
	 * The problem type's last segment, also the {@code reason} tag of the metrics.
	 * @return e.g. {@code invalid-token}
	 */
	public String type() {
		return this.type;
	}

	public String title() {
		return this.title;
	}

	public String detail() {
		return getMessage();
	}

	/**
	 * What the problem lists besides its members.
	 * @return the broken rules, or none
	 */
	public List<FieldError> errors() {
		return List.of();
	}

	/**
	 * Adds the headers the status needs ({@code Allow}, {@code Retry-After}).
	 * @param headers the answer's headers
	 */
	void addHeaders(HttpHeaders headers) {
	}

	/** A rule of the data or of a header that the request breaks. */
	public record FieldError(String field, String message) {
	}

	public static Rejection notFound() {
		return new Plain(HttpStatus.NOT_FOUND, "not-found", "Not found", "There is nothing at this path");
	}

	public static Rejection methodNotAllowed(Set<HttpMethod> allowed) {
		return new NotAllowed(allowed);
	}

	public static Rejection unsupportedMediaType() {
		return new Plain(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
				"The content type must be application/json");
	}

	/**
	 * The body is above the API's limit.
	 * @param limit the limit in bytes
	 * @return the rejection
	 */
	public static Rejection tooLarge(long limit) {
		return new Plain(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
				"The body must not be larger than " + limit + " bytes");
	}

	/**
	 * The data with its attributes is above the queue's message limit.
	 * @param maxBytes the queue's limit
	 * @return the rejection
	 */
	public static Rejection tooLargeForQueue(int maxBytes) {
		return new Plain(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
				"The data with its attributes is larger than the queue's " + maxBytes + "-byte message limit");
	}

	/**
	 * The body is not one well-formed JSON object of the contract's shape.
	 * @param detail which rule it breaks, in the contract's words
	 * @return the rejection
	 */
	public static Rejection malformed(String detail) {
		return new Plain(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail);
	}

	public static Rejection unreadable(IOException cause) {
		return new Plain(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", "The body could not be read",
				cause);
	}

	public static Rejection invalidToken() {
		return new Plain(HttpStatus.UNAUTHORIZED, "invalid-token", "Unauthorized",
				"A valid 'token' is required to ingest data");
	}

	/**
	 * The data breaks the contract's rules.
	 * @param errors each broken rule
	 * @return the rejection
	 */
	public static Rejection invalidData(List<FieldError> errors) {
		return new Invalid("invalid-data", "Invalid data",
				"The data breaks " + errors.size() + " rule(s); see 'errors'", errors);
	}

	/**
	 * A header the API reads is not as the contract says.
	 * @param header its name
	 * @param message what is wrong, e.g. {@code must be sent once}
	 * @return the rejection
	 */
	public static Rejection invalidHeader(String header, String message) {
		return new Invalid("invalid-header", "Invalid header", "The " + header + " header " + message,
				List.of(new FieldError(header, message)));
	}

	/**
	 * The API or a dependency cannot take the request now.
	 * @param reason what failed, the problem type's suffix and the metric's reason
	 * ({@code busy}, {@code stopping}, {@code token}, {@code queue})
	 * @param why what failed, for the log only: the client is told to retry
	 * @param retryAfter when to retry, at least a second
	 * @param cause the dependency's failure, or {@code null}
	 * @return the rejection
	 */
	public static Unavailable unavailable(String reason, String why, Duration retryAfter, Throwable cause) {
		return new Unavailable(reason, why, retryAfter, cause);
	}

	private static final class Plain extends Rejection {

		Plain(HttpStatus status, String type, String title, String detail) {
			this(status, type, title, detail, null);
		}

		Plain(HttpStatus status, String type, String title, String detail, Throwable cause) {
			super(status, type, title, detail, cause);
		}

	}

	private static final class Invalid extends Rejection {

		private final List<FieldError> errors;

		Invalid(String type, String title, String detail, List<FieldError> errors) {
			super(HttpStatus.BAD_REQUEST, type, title, detail, null);
			this.errors = List.copyOf(errors);
		}

		@Override
		public List<FieldError> errors() {
			return this.errors;
		}

	}

	private static final class NotAllowed extends Rejection {

		private final Set<HttpMethod> allowed;

		NotAllowed(Set<HttpMethod> allowed) {
			super(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed", "The path takes only "
					+ allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", ")), null);
			this.allowed = Set.copyOf(allowed);
		}

		@Override
		void addHeaders(HttpHeaders headers) {
			headers.setAllow(this.allowed);
		}

	}

	/** The API or a dependency cannot take the request now: 503 with Retry-After. */
	public static final class Unavailable extends Rejection {

		private final String why;

		private final Duration retryAfter;

		private Unavailable(String reason, String why, Duration retryAfter, Throwable cause) {
			super(HttpStatus.SERVICE_UNAVAILABLE, "unavailable-" + reason, "Service unavailable",
					"The service cannot take the request now; retry later", cause);
			this.why = why;
			this.retryAfter = retryAfter;
		}

		/**
		 * What failed, for the log.
		 * @return e.g. {@code The token cannot be read from SSM now}
		 */
		public String why() {
			return this.why;
		}

		public Duration retryAfter() {
			return this.retryAfter;
		}

		@Override
		void addHeaders(HttpHeaders headers) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryAfter.toSeconds())));
		}

	}

}
