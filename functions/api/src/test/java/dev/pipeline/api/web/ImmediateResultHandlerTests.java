package dev.pipeline.api.web;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.cloud.function.web.mvc.FunctionController;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the handler passes on for each kind of {@link Mono} function-web can answer with.
 */
class ImmediateResultHandlerTests {

	private final Recorder others = new Recorder();

	private final ImmediateResultHandler handler = new ImmediateResultHandler(this.others);

	@Test
	void handsOnAValueTheMonoHasAlreadyEmittedTypedAsThatValue() throws Exception {
		this.handler.handleReturnValue(Mono.just("ready").map(String::length), post(Mono.class), null, null);
		assertThat(this.others.values).containsExactly(5);
		MethodParameter type = this.others.types.get(0);
		assertThat(type.getParameterType()).isEqualTo(Integer.class);
		assertThat(type.getGenericParameterType()).isEqualTo(Integer.class);
		assertThat(type.getContainingClass()).isEqualTo(FunctionController.class);
		assertThat(type.clone().getParameterType()).isEqualTo(Integer.class);
	}

	@Test
	@SuppressWarnings("unchecked")
	void handsOnAValueStillToComeAsAFutureThatCompletesWithIt() throws Exception {
		Sinks.One<String> later = Sinks.one();
		this.handler.handleReturnValue(later.asMono(), post(Mono.class), null, null);
		CompletableFuture<Object> future = (CompletableFuture<Object>) this.others.values.get(0);
		assertThat(future).isNotDone();
		assertThat(CompletableFuture.class).isAssignableFrom(this.others.types.get(0).getParameterType());
		later.tryEmitValue("later");
		assertThat(future).isCompletedWithValue("later");
	}

	@Test
	void handsOnAnErrorAsAFailedFuture() throws Exception {
		IllegalStateException failure = new IllegalStateException("failed");
		this.handler.handleReturnValue(Mono.error(failure), post(Mono.class), null, null);
		assertThat((CompletableFuture<?>) this.others.values.get(0)).isCompletedExceptionally();
	}

	@Test
	void handsOnNoValueAsAFutureOfNothing() throws Exception {
		this.handler.handleReturnValue(Mono.empty(), post(Mono.class), null, null);
		assertThat((CompletableFuture<?>) this.others.values.get(0)).isCompletedWithValue(null);
	}

	@Test
	void takesOnlyMonosOfFunctionWeb() throws Exception {
		assertThat(this.handler.supportsReturnType(post(Mono.class))).isTrue();
		assertThat(this.handler.supportsReturnType(post(String.class))).isFalse();
		MethodParameter elsewhere = narrowed(HealthController.class.getDeclaredMethod("health"), Mono.class);
		assertThat(this.handler.supportsReturnType(elsewhere)).isFalse();
	}

	/**
	 * function-web's {@code POST} method, returning {@code runtimeType} as Spring MVC
	 * sees it.
	 */
	private static MethodParameter post(Class<?> runtimeType) throws NoSuchMethodException {
		return narrowed(FunctionController.class.getMethod("post", WebRequest.class, String.class), runtimeType);
	}

	private static MethodParameter narrowed(Method method, Class<?> runtimeType) {
		return new MethodParameter(method, -1) {

			@Override
			public Class<?> getParameterType() {
				return runtimeType;
			}

		};
	}

	private static final class Recorder implements HandlerMethodReturnValueHandler {

		final List<Object> values = new ArrayList<>();

		final List<MethodParameter> types = new ArrayList<>();

		@Override
		public boolean supportsReturnType(MethodParameter returnType) {
			return true;
		}

		@Override
		public void handleReturnValue(Object returnValue, MethodParameter returnType,
				ModelAndViewContainer mavContainer, NativeWebRequest webRequest) {
			this.values.add(returnValue);
			this.types.add(returnType);
		}

	}

}
