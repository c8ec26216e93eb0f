package dev.pipeline.worker;

import java.time.Duration;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shutdown budget must cover what a stop waits for: the long poll under way, the
 * upload of what it received, and the delete.
 */
class WorkerPropertiesTests {

	private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

	@Test
	void aBudgetShorterThanPollUploadAndDeleteIsRefused() {
		assertThat(this.validator.validate(new WorkerProperties.Shutdown(Duration.ofSeconds(20))))
			.extracting((violation) -> violation.getMessage())
			.containsExactly("budget must cover the long poll, one upload and the delete (10s + 10s + 2s)");
		assertThat(this.validator.validate(new WorkerProperties.Shutdown(Duration.ofSeconds(22)))).isEmpty();
	}

	@Test
	void theDefaultBudgetCoversAStop() {
		Duration stop = WorkerProperties.Shutdown.POLL.plus(WorkerProperties.Shutdown.MESSAGE)
			.plus(WorkerProperties.Shutdown.DELETE);
		assertThat(Duration.ofSeconds(25)).isGreaterThanOrEqualTo(stop);
		assertThat(this.validator.validate(new WorkerProperties.Shutdown(Duration.ofSeconds(25)))).isEmpty();
	}

}
