package dev.pipeline.api.web;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import reactor.core.publisher.Mono;

import org.springframework.cloud.function.web.mvc.FunctionController;
import org.springframework.core.MethodParameter;
import org.springframework.util.Assert;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Answers function-web's requests on their first dispatch when the function has already
 * returned.
 * <p>
 * function-web calls the {@code ingest} function synchronously but wraps what it returns
 * in a {@link Mono}. Spring MVC handles every {@code Mono} as an asynchronous result: it
 * starts async processing and dispatches the request a second time, through the handler
 * mappings (function-web looks the function up again) and the adapter, only to write an
 * answer that was ready all along. In the warm profile that cost 28% of the API's CPU
 * samples (docs/benchmarks.md).
 * <p>
 * Here the {@code Mono} is subscribed to once: a value it has already emitted goes to the
 * handler Spring MVC would have used after the second dispatch; anything else (a value
 * still to come, an error, no value) goes to Spring MVC's async handling as a
 * {@link CompletableFuture}, exactly as before.
 */
final class ImmediateResultHandler implements HandlerMethodReturnValueHandler {

	private final HandlerMethodReturnValueHandler others;

	/**
	 * @param others the handlers Spring MVC would use otherwise
	 */
	ImmediateResultHandler(HandlerMethodReturnValueHandler others) {
		this.others = others;
	}

	/**
	 * Puts the handler before the adapter's own, which would otherwise take the
	 * {@code Mono} first.
	 * @param adapter the adapter, once its handlers are set up
	 */
	static void putFirst(RequestMappingHandlerAdapter adapter) {
		List<HandlerMethodReturnValueHandler> handlers = adapter.getReturnValueHandlers();
		Assert.state(handlers != null, "The adapter has no return value handlers yet");
		List<HandlerMethodReturnValueHandler> all = new ArrayList<>(handlers.size() + 1);
		all.add(new ImmediateResultHandler(new HandlerMethodReturnValueHandlerComposite().addHandlers(handlers)));
		all.addAll(handlers);
		adapter.setReturnValueHandlers(all);
	}

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		return FunctionController.class.isAssignableFrom(returnType.getContainingClass())
				&& Mono.class.isAssignableFrom(returnType.getParameterType());
	}

	@Override
	public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest) throws Exception {
		CompletableFuture<?> result = ((Mono<?>) returnValue).toFuture();
		Object value = (result.isDone() && !result.isCompletedExceptionally()) ? result.join() : null;
		Object answer = (value != null) ? value : result;
		this.others.handleReturnValue(answer, new ValueType(returnType, answer.getClass()), mavContainer, webRequest);
	}

	/**
	 * The controller method's return type, narrowed to the class of the value at hand, as
	 * Spring MVC does for a method declared to return {@code Object}.
	 */
	private static final class ValueType extends MethodParameter {

		private final Class<?> type;

		ValueType(MethodParameter original, Class<?> type) {
			super(original);
			this.type = type;
		}

		@Override
		public Class<?> getParameterType() {
			return this.type;
		}

		@Override
		public Type getGenericParameterType() {
			return this.type;
		}

		@Override
		public ValueType clone() {
			return new ValueType(this, this.type);
		}

	}

}
