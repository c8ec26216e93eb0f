package dev.pipeline.worker;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shutdown budget must cover what a stop waits for: the long poll under way, the
 * upload of what it received (the bucket's timeout), and the delete. The settings are
 * bound as Spring binds the environment, defaults included.
 */
class WorkerPropertiesTests {

	private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

	@Test
	void aBudgetShorterThanPollUploadAndDeleteIsRefused() {
		assertThat(violations(Map.of("persist.shutdown.budget", "20s"))).containsExactly(
				"shutdown.budget must cover the long poll, one upload and the delete (10s + bucket.timeout + 2s)");
		assertThat(violations(Map.of("persist.shutdown.budget", "22s"))).isEmpty();
	}

	@Test
	void aLongerBucketTimeoutNeedsALongerBudget() {
		assertThat(violations(Map.of("persist.bucket.timeout", "20s", "persist.shutdown.budget", "25s")))
			.containsExactly(
					"shutdown.budget must cover the long poll, one upload and the delete (10s + bucket.timeout + 2s)");
		assertThat(violations(Map.of("persist.bucket.timeout", "20s", "persist.shutdown.budget", "32s"))).isEmpty();
	}

	@Test
	void aBucketTimeoutOutsideOneToSixtySecondsIsRefused() {
		assertThat(violations(Map.of("persist.bucket.timeout", "500ms")))
			.containsExactly("timeout must be between 1s and 60s");
		assertThat(violations(Map.of("persist.bucket.timeout", "61s", "persist.shutdown.budget", "110s")))
			.containsExactly("timeout must be between 1s and 60s");
	}

	@Test
	void theDefaultsCoverAStop() {
		WorkerProperties defaults = bind(Map.of());
		assertThat(defaults.bucket().timeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.shutdown().budget()).isGreaterThanOrEqualTo(defaults.stopTakes());
		assertThat(this.validator.validate(defaults)).isEmpty();
	}

	private java.util.List<String> violations(Map<String, String> settings) {
		return this.validator.validate(bind(settings)).stream().map((violation) -> violation.getMessage()).toList();
	}

	private static WorkerProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("persist", WorkerProperties.class);
	}

}
