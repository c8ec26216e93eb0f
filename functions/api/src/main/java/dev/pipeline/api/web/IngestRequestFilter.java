package dev.pipeline.api.web;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;

import dev.pipeline.api.ApiProperties;
import dev.pipeline.api.http.BodyBudget;
import dev.pipeline.api.http.IngestEnvelope;
import dev.pipeline.api.http.NotFoundException;
import dev.pipeline.api.http.StoppingException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The HTTP side of {@code POST /ingest} in front of spring-cloud-function-web, which
 * serves the {@code ingest} function.
 * <ul>
 * <li>On {@code /ingest} it applies the {@link IngestEnvelope} (405, 415, 413, strict
 * UTF-8), reads the body only once the {@link BodyBudget} has room for it (else 503), and
 * hands function-web the body it read, so the function reads exactly the characters the
 * client sent.</li>
 * <li>function-web serves only below {@code spring.cloud.function.web.path=/ingest}, but
 * there it maps every path ({@code /ingest/x}, {@code /ingestx}) to the function: those
 * are a 404 here. {@code /ingest} is the one entry.</li>
 * <li>From SIGTERM on ({@link ShutdownDrain}) it answers {@code /ingest} 503 with
 * {@code Retry-After}, and every response closes its connection.</li>
 * </ul>
 * Failures go to the {@link HandlerExceptionResolver}, so they are answered by the same
 * advice as failures of the function.
 */
@Component
@ConditionalOnWebApplication
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class IngestRequestFilter extends OncePerRequestFilter {

	private final IngestEnvelope envelope;

	private final HandlerExceptionResolver failures;

	private final BodyBudget budget;

	private final ShutdownDrain drain;

	IngestRequestFilter(ApiProperties properties, ShutdownDrain drain,
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver failures) {
		this.drain = drain;
		this.envelope = new IngestEnvelope(properties.body().limit().toBytes());
		this.budget = new BodyBudget(properties.body().budgetBytes(), Duration.ofSeconds(1));
		this.failures = failures;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		boolean draining = this.drain.isDraining();
		if (draining) {
			response.setHeader(HttpHeaders.CONNECTION, "close");
		}
		HttpServletRequest next;
		BodyBudget.Reservation reservation = null;
		try {
			if (draining && path.startsWith(IngestEnvelope.PATH)) {
				throw new StoppingException(this.drain.retryAfter());
			}
			if (IngestEnvelope.PATH.equals(path)) {
				long declared = request.getContentLengthLong();
				this.envelope.checkHead(request.getMethod(), request.getContentType(), declared);
				reservation = this.budget.reserve((declared >= 0) ? declared : this.envelope.limit());
				next = new ReadBody(request, this.envelope.read(request.getInputStream()));
			}
			else if (path.startsWith(IngestEnvelope.PATH)) {
				throw new NotFoundException();
			}
			else {
				next = request;
			}
		}
		catch (RuntimeException ex) {
			if (reservation != null) {
				reservation.close();
			}
			this.failures.resolveException(request, response, null, ex);
			return;
		}
		try {
			chain.doFilter(next, response);
		}
		finally {
			if (reservation != null) {
				reservation.close();
			}
		}
	}

	/**
	 * The request with its body already read and checked: function-web reads it again as
	 * UTF-8 text, whatever charset the client declared.
	 */
	private static final class ReadBody extends HttpServletRequestWrapper {

		private final byte[] utf8;

		ReadBody(HttpServletRequest request, byte[] utf8) {
			super(request);
			this.utf8 = utf8;
		}

		@Override
		public String getContentType() {
			return MediaType.APPLICATION_JSON_VALUE + ";charset=UTF-8";
		}

		@Override
		public String getHeader(String name) {
			if (HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
				return getContentType();
			}
			if (HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
				return Integer.toString(this.utf8.length);
			}
			return super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			boolean replaced = HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
					|| HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name);
			return replaced ? Collections.enumeration(Collections.singletonList(getHeader(name)))
					: super.getHeaders(name);
		}

		@Override
		public String getCharacterEncoding() {
			return StandardCharsets.UTF_8.name();
		}

		@Override
		public int getContentLength() {
			return this.utf8.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.utf8.length;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.utf8);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] b, int off, int len) {
					return in.read(b, off, len);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("The body is already read");
				}

			};
		}

		@Override
		public BufferedReader getReader() {
			return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
		}

	}

}
