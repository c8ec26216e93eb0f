package dev.pipeline.api.web;

import java.util.Set;

import dev.pipeline.api.http.MethodNotAllowedException;
import dev.pipeline.api.http.NotFoundException;
import dev.pipeline.api.http.Problems;
import dev.pipeline.api.http.Problems.Problem;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Answers every failure with the problem {@link Problems} maps it to. Spring MVC's own
 * failures (a 404 on a path nothing serves) come through
 * {@link ResponseEntityExceptionHandler} and are counted the same way.
 */
@RestControllerAdvice
@ConditionalOnWebApplication
class ProblemAdvice extends ResponseEntityExceptionHandler {

	private final Problems problems;

	ProblemAdvice(Problems problems) {
		this.problems = problems;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> failed(Exception ex) {
		Problem problem = this.problems.of(ex);
		return ResponseEntity.status(problem.status()).headers(problem.headers()).body(problem.body());
	}

	/** A path nothing serves: the same problem as every other 404 of the API. */
	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return notFound();
	}

	@Override
	protected ResponseEntity<Object> handleNoHandlerFoundException(NoHandlerFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return notFound();
	}

	/** Another method on a path MVC serves ({@code /health}): the same fixed problem. */
	@Override
	protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		Set<HttpMethod> allowed = (ex.getSupportedHttpMethods() != null) ? ex.getSupportedHttpMethods() : Set.of();
		Problem problem = this.problems.of(new MethodNotAllowedException(allowed));
		return ResponseEntity.status(problem.status()).headers(problem.headers()).body(problem.body());
	}

	private ResponseEntity<Object> notFound() {
		Problem problem = this.problems.of(new NotFoundException());
		return ResponseEntity.status(problem.status()).headers(problem.headers()).body(problem.body());
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		this.problems.countFramework(statusCode);
		return super.handleExceptionInternal(ex, body, headers, statusCode, request);
	}

}
