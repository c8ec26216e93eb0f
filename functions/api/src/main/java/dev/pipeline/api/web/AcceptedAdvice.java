package dev.pipeline.api.web;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.function.web.mvc.FunctionController;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Shapes what function-web answers for the {@code ingest} function: it always answers
 * {@code 200} with the request's headers copied onto the response (even
 * {@code Connection: Upgrade}). Here the answer becomes the contract's: {@code 202
 * Accepted}, JSON, no header of the request, and the server's own request id.
 */
@RestControllerAdvice
@ConditionalOnWebApplication
class AcceptedAdvice implements ResponseBodyAdvice<Object> {

	private final ShutdownDrain drain;

	AcceptedAdvice(ShutdownDrain drain) {
		this.drain = drain;
	}

	@Override
	public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
		return FunctionController.class.isAssignableFrom(returnType.getDeclaringClass());
	}

	@Override
	public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType selectedContentType,
			Class<? extends HttpMessageConverter<?>> selectedConverterType, ServerHttpRequest request,
			ServerHttpResponse response) {
		HttpHeaders headers = response.getHeaders();
		headers.clear();
		headers.setContentType(MediaType.APPLICATION_JSON);
		if (request instanceof ServletServerHttpRequest servlet
				&& servlet.getServletRequest().getAttribute(RequestIdFilter.ATTRIBUTE) instanceof String id) {
			headers.set(RequestIdFilter.HEADER, id);
		}
		if (this.drain.isDraining()) {
			// Accepted before SIGTERM, answered after: the connection closes with it.
			headers.setConnection("close");
		}
		response.setStatusCode(HttpStatus.ACCEPTED);
		return body;
	}

}
