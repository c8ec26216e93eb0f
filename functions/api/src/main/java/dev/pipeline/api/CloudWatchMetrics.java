package dev.pipeline.api;

import dev.pipeline.core.metrics.EmfMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code ingest.metrics.enabled}, the service's meters of
 * {@code modules/observability/metrics.json} also go to CloudWatch, as embedded metric
 * format lines on standard output once a step ({@link EmfMeterRegistry}). Boot then
 * serves a composite of this registry and the actuator's own, which keeps every meter.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("ingest.metrics.enabled")
class CloudWatchMetrics {

	@Bean
	EmfMeterRegistry cloudWatchMeterRegistry(ApiProperties properties) {
		return EmfMeterRegistry.start("api", properties.metrics().namespace(), properties.metrics().step());
	}

	/** The actuator's registry, which Boot leaves out once another registry exists. */
	@Bean
	SimpleMeterRegistry actuatorMeterRegistry(Clock clock) {
		return new SimpleMeterRegistry(io.micrometer.core.instrument.simple.SimpleConfig.DEFAULT, clock);
	}

}
