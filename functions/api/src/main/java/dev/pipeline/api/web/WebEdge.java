package dev.pipeline.api.web;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.pipeline.api.http.IngestEdge;
import dev.pipeline.api.http.IngestEdge.Answer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.function.web.mvc.FunctionController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * The web container's adapter of the {@link IngestEdge}: a servlet request in, the edge's
 * answer out, nothing of the contract decided here.
 * <ul>
 * <li>A filter gives every request on the application port to the edge. What the edge
 * answers itself (404, 405, 415, 413, 503, {@code /health}) is written at once; an
 * admitted {@code POST /ingest} goes on to function-web with the body the edge read and
 * checked, declared as UTF-8 JSON, so the function reads exactly the bytes the client
 * sent.</li>
 * <li>function-web serves the {@code ingest} function, whose answer is the HTTP answer as
 * a message; it would answer {@code 200} with the request's headers copied onto the
 * response and wrap the value in a {@link Mono}, which Spring MVC dispatches a second
 * time to write. The {@link AnswerWriter} takes the value on the first dispatch and
 * writes the answer's status, its headers (no other) and its body.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class WebEdge {

	@Bean
	EdgeFilter edgeFilter(IngestEdge edge) {
		return new EdgeFilter(edge);
	}

	@Bean
	static BeanPostProcessor answerWriter() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof RequestMappingHandlerAdapter adapter) {
					List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
					handlers.add(new AnswerWriter());
					handlers.addAll(adapter.getReturnValueHandlers());
					adapter.setReturnValueHandlers(handlers);
				}
				return bean;
			}

		};
	}

	static void write(Answer answer, HttpServletResponse response) throws IOException {
		response.setStatus(answer.status());
		answer.headers().forEach(response::setHeader);
		response.setContentLength(answer.body().length);
		response.getOutputStream().write(answer.body());
	}

	/** Every request of the application port through the edge. */
	@Order(Ordered.HIGHEST_PRECEDENCE)
	static final class EdgeFilter extends OncePerRequestFilter {

		private final IngestEdge edge;

		EdgeFilter(IngestEdge edge) {
			this.edge = edge;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			IngestEdge.Head head = new IngestEdge.Head(request.getMethod(),
					request.getRequestURI().substring(request.getContextPath().length()), request::getHeader,
					request.getContentLengthLong());
			try (IngestEdge.Admission admission = this.edge.admit(head,
					(atMost) -> request.getInputStream().readNBytes(atMost))) {
				if (admission.answer() != null) {
					write(admission.answer(), response);
				}
				else {
					chain.doFilter(new ReadBody(request, admission.body()), response);
				}
			}
		}

	}

	/**
	 * Writes the answer the {@code ingest} function returned through function-web: the
	 * value of its {@link Mono}, which the function has already emitted (it answers
	 * synchronously).
	 */
	static final class AnswerWriter implements HandlerMethodReturnValueHandler {

		@Override
		public boolean supportsReturnType(MethodParameter returnType) {
			return FunctionController.class.isAssignableFrom(returnType.getContainingClass())
					&& Mono.class.isAssignableFrom(returnType.getParameterType());
		}

		@Override
		public void handleReturnValue(Object returnValue, MethodParameter returnType,
				ModelAndViewContainer mavContainer, NativeWebRequest webRequest) throws Exception {
			CompletableFuture<?> result = ((Mono<?>) returnValue).toFuture();
			if (!result.isDone()
					|| !(result.join() instanceof HttpEntity<?> entity && entity.getBody() instanceof byte[] body)) {
				throw new IllegalStateException("The ingest function answered with no message of its own");
			}
			HttpHeaders headers = entity.getHeaders();
			String status = headers.getFirst(IngestEdge.STATUS);
			if (status == null) {
				throw new IllegalStateException("The ingest function's answer has no status");
			}
			mavContainer.setRequestHandled(true);
			write(Answer.of(Integer.parseInt(status), headers::getFirst, body),
					webRequest.getNativeResponse(HttpServletResponse.class));
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
