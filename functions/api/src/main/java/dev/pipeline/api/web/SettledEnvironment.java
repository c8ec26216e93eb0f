package dev.pipeline.api.web;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.source.ConfigurationPropertyCaching;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Once the API has started, keeps the {@code Environment}'s name mappings instead of
 * rebuilding them on every lookup.
 * <p>
 * function-web reads {@code spring.cloud.function.definition} from the
 * {@code Environment} on every request. Spring Boot resolves it through each property
 * source and, for the mutable ones (system properties, the environment variables), checks
 * the source for new names each time: 7% of the API's CPU samples under load
 * (docs/benchmarks.md). Nothing changes the API's settings after start-up, so from then
 * on the lookups use what Boot has already mapped: a system property set later under a
 * relaxed name (e.g. {@code INGEST_X} for {@code ingest.x}) is not seen.
 */
@Component
@ConditionalOnWebApplication
class SettledEnvironment implements ApplicationListener<ApplicationReadyEvent> {

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		ConfigurationPropertyCaching.get(event.getApplicationContext().getEnvironment()).enable();
	}

}
