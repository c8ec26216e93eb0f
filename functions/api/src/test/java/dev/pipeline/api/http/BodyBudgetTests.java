package dev.pipeline.api.http;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BodyBudgetTests {

	@Test
	void holdsNoMoreThanItsCapacityAndGivesRoomBackOnClose() {
		BodyBudget budget = new BodyBudget(512 * 1024, Duration.ofMillis(10));
		BodyBudget.Reservation first = budget.reserve(256 * 1024);
		BodyBudget.Reservation second = budget.reserve(256 * 1024);
		assertThat(budget.availableKib()).isZero();
		assertThatExceptionOfType(Rejection.Unavailable.class).isThrownBy(() -> budget.reserve(1))
			.satisfies(Rejections.rejected("unavailable-busy"));
		first.close();
		first.close();
		assertThat(budget.availableKib()).as("a second close gives nothing back").isEqualTo(256);
		budget.reserve(256 * 1024).close();
		second.close();
		assertThat(budget.availableKib()).isEqualTo(512);
	}

	@Test
	void countsPartsOfAKibAsAWholeOne() {
		BodyBudget budget = new BodyBudget(4 * 1024, Duration.ofMillis(10));
		budget.reserve(1);
		budget.reserve(1025);
		assertThat(budget.availableKib()).isEqualTo(1);
	}

	@Test
	void aBusyAnswerIsARetryableUnavailable() {
		BodyBudget budget = new BodyBudget(1024, Duration.ofMillis(10));
		budget.reserve(1024);
		assertThatExceptionOfType(Rejection.Unavailable.class).isThrownBy(() -> budget.reserve(1))
			.satisfies(Rejections.rejected("unavailable-busy"))
			.satisfies((busy) -> assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(1)))
			.satisfies((busy) -> assertThat(busy.status().value()).isEqualTo(503));
	}

}
