package dev.pipeline.core;

import java.util.function.BiConsumer;

import io.micrometer.core.instrument.MeterRegistry;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every HTTP request an SDK client sends, retries included, by service and
 * operation, so that the AWS calls per message are measured, not estimated.
 */
public final class AwsCallCounter implements ExecutionInterceptor {

	private final BiConsumer<String, String> onRequest;

	/**
	 * Creates a counter.
	 * @param onRequest called with the service and operation name of each request
	 */
	public AwsCallCounter(BiConsumer<String, String> onRequest) {
		this.onRequest = onRequest;
	}

	/**
	 * Creates a counter that increments {@code aws.requests{service,operation}}.
	 * @param meters the registry
	 * @return the counter
	 */
	public static AwsCallCounter counting(MeterRegistry meters) {
		return new AwsCallCounter((service,
				operation) -> meters.counter("aws.requests", "service", service, "operation", operation).increment());
	}

	@Override
	public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
		this.onRequest.accept(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
				attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
	}

}
