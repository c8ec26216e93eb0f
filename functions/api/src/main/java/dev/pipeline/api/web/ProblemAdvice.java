package dev.pipeline.api.web;

import java.net.URI;

import dev.pipeline.api.UnavailableException;
import dev.pipeline.api.ingest.InvalidDataException;
import dev.pipeline.api.ingest.MalformedRequestException;
import dev.pipeline.api.token.InvalidTokenException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Maps every failure to an RFC 9457 problem with the contract's status, and counts it as
 * {@code ingest.requests{outcome=rejected}} by reason. Spring MVC's own failures (404,
 * 405 with {@code Allow}, 415) come through {@link ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

	private static final String TYPE_PREFIX = "urn:ingest-pipeline:problem:";

	private final MeterRegistry meters;

	ProblemAdvice(MeterRegistry meters) {
		this.meters = meters;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> malformed(MalformedRequestException ex) {
		return problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unreadable(UnreadableBodyException ex) {
		return problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidToken(InvalidTokenException ex) {
		return problem(HttpStatus.UNAUTHORIZED, "invalid-token", "Unauthorized",
				"A valid 'token' is required to ingest data");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidData(InvalidDataException ex) {
		ResponseEntity<ProblemDetail> response = problem(HttpStatus.BAD_REQUEST, "invalid-data", "Invalid data",
				"The data breaks " + ex.errors().size() + " rule(s); see 'errors'");
		response.getBody().setProperty("errors", ex.errors());
		return response;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException ex) {
		return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
				"The body must not be larger than " + ex.limit() + " bytes");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unavailable(UnavailableException ex) {
		log.atWarn()
			.addKeyValue("reason", ex.reason())
			.addKeyValue("cause", (ex.getCause() != null) ? ex.getCause().getClass().getSimpleName() : null)
			.log("Service unavailable: {}", ex.getMessage());
		ResponseEntity<ProblemDetail> response = problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable-" + ex.reason(),
				"Service unavailable", ex.getMessage() + "; retry later");
		return ResponseEntity.status(response.getStatusCode())
			.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, ex.retryAfter().toSeconds())))
			.body(response.getBody());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		log.error("Unexpected failure", ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
				"The request failed unexpectedly; nothing was accepted");
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		count(statusCode, reasonOf(statusCode));
		return super.handleExceptionInternal(ex, body, headers, statusCode, request);
	}

	private ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String title, String detail) {
		count(status, type);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_PREFIX + type));
		problem.setTitle(title);
		log.atInfo().addKeyValue("status", status.value()).addKeyValue("reason", type).log("Rejected");
		return ResponseEntity.status(status).body(problem);
	}

	private void count(HttpStatusCode status, String reason) {
		this.meters.counter("ingest.requests", "outcome", "rejected", "reason", reason).increment();
	}

	private static String reasonOf(HttpStatusCode status) {
		HttpStatus known = HttpStatus.resolve(status.value());
		return (known != null) ? known.name().toLowerCase().replace('_', '-') : Integer.toString(status.value());
	}

}
