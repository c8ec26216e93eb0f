package dev.pipeline.core;

import java.time.Instant;
import java.util.Map;

import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

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

	@Test
	void whatTheSenderBuildsTheReceiverReadsBack() {
		Instant at = Instant.parse("2026-11-27T10:15:30.123456Z");
		QueueMessage sent = new QueueMessage("7f4e4d8a-0000-4000-8000-000000000001", "{\"a\":1}", at, Correlation
			.of("5d3c1f2e-0000-4000-8000-00000000abcd", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

		Map<String, MessageAttributeValue> attributes = sent.attributes();
		QueueMessage.Received received = QueueMessage.received("sqs-id",
				(name) -> (attributes.get(name) != null) ? attributes.get(name).stringValue() : null, sent.body(),
				"1764201600000");

		assertThat(attributes.values()).allSatisfy((value) -> assertThat(value.dataType()).isEqualTo("String"));
		assertThat(received.messageId()).isEqualTo(sent.messageId());
		assertThat(received.sqsMessageId()).isEqualTo("sqs-id");
		assertThat(received.body()).isEqualTo(sent.body());
		assertThat(received.acceptedAt()).contains(Instant.parse("2026-11-27T10:15:30.123Z"));
		assertThat(received.correlation()).isEqualTo(sent.correlation());
	}

	@Test
	void aMessageWithoutIngestedAtWasAcceptedAtItsSentTimestamp() {
		QueueMessage.Received received = QueueMessage.received("sqs-id", (name) -> null, "{}", "1764201600000");

		assertThat(received.messageId()).isEqualTo("sqs-id");
		assertThat(received.acceptedAt()).contains(Instant.parse("2025-11-27T00:00:00Z"));
		assertThat(QueueMessage.received("sqs-id", (name) -> null, "{}", "yesterday").acceptedAt()).isEmpty();
		assertThat(QueueMessage.received("sqs-id", (name) -> null, "{}", null).acceptedAt()).isEmpty();
	}

	@Test
	void leavesOutTheCorrelationItDoesNotHaveAndCountsTheLargestAttributesSqsWillCount() {
		QueueMessage bare = new QueueMessage("id", "{}", Instant.EPOCH, Correlation.of(null, null));

		assertThat(bare.attributes()).containsOnlyKeys(QueueMessage.INGESTED_AT, QueueMessage.MESSAGE_ID);
		// ingested-at 11 + 6 + 24, message-id 10 + 6 + 36, request-id 10 + 6 + 36,
		// traceparent 11 + 6 + 55.
		assertThat(QueueMessage.MAX_ATTRIBUTE_BYTES).isEqualTo(217);
		assertThat(QueueMessage.ATTRIBUTE_NAMES).containsExactly("ingested-at", "message-id", "request-id",
				"traceparent");
	}

}
