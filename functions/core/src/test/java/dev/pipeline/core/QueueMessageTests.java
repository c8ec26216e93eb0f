package dev.pipeline.core;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueMessageTests {

	@Test
	void formatsIngestedAtAsUtcWithMilliseconds() {
		assertThat(QueueMessage.formatIngestedAt(Instant.parse("2026-11-27T10:15:30.123456Z")))
			.isEqualTo("2026-11-27T10:15:30.123Z");
		assertThat(QueueMessage.formatIngestedAt(Instant.parse("2026-11-27T10:15:30Z")))
			.isEqualTo("2026-11-27T10:15:30.000Z");
	}

	@Test
	void parsesWhatItFormats() {
		Instant instant = Instant.parse("2026-11-27T23:59:59.999Z");
		assertThat(QueueMessage.parseIngestedAt(QueueMessage.formatIngestedAt(instant))).contains(instant);
	}

	@Test
	void treatsMissingOrGarbledValuesAsAbsent() {
		assertThat(QueueMessage.parseIngestedAt(null)).isEmpty();
		assertThat(QueueMessage.parseIngestedAt(" ")).isEmpty();
		assertThat(QueueMessage.parseIngestedAt("yesterday")).isEmpty();
	}

	@Test
	void takesTheMessageIdFromTheAttributeAndFallsBackToTheSqsMessageId() {
		assertThat(QueueMessage.messageId("0b9e5c1e-0000-4000-8000-000000000001", "sqs-id"))
			.isEqualTo("0b9e5c1e-0000-4000-8000-000000000001");
		assertThat(QueueMessage.messageId(null, "sqs-id")).isEqualTo("sqs-id");
		assertThat(QueueMessage.messageId(" ", "sqs-id")).isEqualTo("sqs-id");
	}

}
