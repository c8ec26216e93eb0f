package dev.pipeline.api.http;

import java.net.URI;
import java.util.List;

import dev.pipeline.api.UnavailableException;
import dev.pipeline.api.ingest.InvalidDataException;
import dev.pipeline.api.ingest.InvalidDataException.FieldError;
import dev.pipeline.api.ingest.InvalidHeaderException;
import dev.pipeline.api.ingest.MalformedRequestException;
import dev.pipeline.api.queue.MessageRefusedException;
import dev.pipeline.api.token.InvalidTokenException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Turns every failure of a request to {@code ingest} into the contract's RFC 9457 problem
 * and headers, counted as {@code ingest.requests{outcome=rejected}} by status and reason.
 * The web container and the Lambda function both answer through it, so their bodies are
 * the same. Every text is fixed: nothing from the request or an internal name is
 * repeated.
 */
@Component
public class Problems {

	private static final Logger log = LoggerFactory.getLogger(Problems.class);

	private static final String TYPE_PREFIX = "urn:ingest-pipeline:problem:";

	private final MeterRegistry meters;

	Problems(MeterRegistry meters) {
		this.meters = meters;
	}

	/**
	 * The answer to a failure.
	 *
	 * @param status the HTTP status
	 * @param body the problem
	 * @param headers headers the status needs ({@code Allow}, {@code Retry-After})
	 */
	public record Problem(HttpStatus status, ProblemDetail body, HttpHeaders headers) {
	}

	/**
	 * Maps a failure; anything unexpected is logged and becomes a 500 that says nothing.
	 * @param failure what the request or the function threw
	 * @return the answer
	 */
	public Problem of(Throwable failure) {
		HttpHeaders headers = new HttpHeaders();
		if (failure instanceof MalformedRequestException || failure instanceof UnreadableBodyException) {
			return problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", failure.getMessage(),
					headers);
		}
		if (failure instanceof InvalidTokenException) {
			return problem(HttpStatus.UNAUTHORIZED, "invalid-token", "Unauthorized",
					"A valid 'token' is required to ingest data", headers);
		}
		if (failure instanceof InvalidDataException ex) {
			return invalidData(ex.errors(), headers);
		}
		if (failure instanceof InvalidHeaderException ex) {
			Problem problem = problem(HttpStatus.BAD_REQUEST, "invalid-header", "Invalid header", ex.getMessage(),
					headers);
			problem.body().setProperty("errors", ex.errors());
			return problem;
		}
		if (failure instanceof PayloadTooLargeException ex) {
			return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
					"The body must not be larger than " + ex.limit() + " bytes", headers);
		}
		if (failure instanceof MessageRefusedException ex) {
			return ex.tooLarge() ? problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
					ex.getMessage(), headers) : invalidData(List.of(new FieldError("data", ex.getMessage())), headers);
		}
		if (failure instanceof UnsupportedMediaTypeException) {
			return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
					failure.getMessage(), headers);
		}
		if (failure instanceof MethodNotAllowedException ex) {
			headers.setAllow(ex.allowed());
			return problem(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
					failure.getMessage(), headers);
		}
		if (failure instanceof NotFoundException) {
			return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", failure.getMessage(), headers);
		}
		if (failure instanceof UnavailableException ex) {
			log.atWarn()
				.addKeyValue("reason", ex.reason())
				.addKeyValue("cause", (ex.getCause() != null) ? ex.getCause().getClass().getSimpleName() : null)
				.log("Service unavailable: {}", ex.getMessage());
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, ex.retryAfter().toSeconds())));
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable-" + ex.reason(), "Service unavailable",
					"The service cannot take the request now; retry later", headers);
		}
		log.error("Unexpected failure", failure);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
				"The request failed unexpectedly", headers);
	}

	/**
	 * Counts a rejection that Spring MVC answered itself (a 404 elsewhere, a 400 it
	 * raised).
	 * @param status the status it answered
	 */
	public void countFramework(HttpStatusCode status) {
		HttpStatus known = HttpStatus.resolve(status.value());
		count(status.value(),
				(known != null) ? known.name().toLowerCase().replace('_', '-') : Integer.toString(status.value()));
	}

	private Problem invalidData(List<FieldError> errors, HttpHeaders headers) {
		Problem problem = problem(HttpStatus.BAD_REQUEST, "invalid-data", "Invalid data",
				"The data breaks " + errors.size() + " rule(s); see 'errors'", headers);
		problem.body().setProperty("errors", errors);
		return problem;
	}

	private Problem problem(HttpStatus status, String type, String title, String detail, HttpHeaders headers) {
		count(status.value(), type);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_PREFIX + type));
		problem.setTitle(title);
		log.atInfo().addKeyValue("status", status.value()).addKeyValue("reason", type).log("Rejected");
		return new Problem(status, problem, headers);
	}

	private void count(int status, String reason) {
		this.meters
			.counter("ingest.requests", "outcome", "rejected", "status", Integer.toString(status), "reason", reason)
			.increment();
	}

}
