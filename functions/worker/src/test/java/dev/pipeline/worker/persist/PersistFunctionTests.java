package dev.pipeline.worker.persist;

import java.time.Clock;
import java.util.Map;

import dev.pipeline.core.ObjectKeys;
import dev.pipeline.testsupport.Aws;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.awspring.cloud.sqs.listener.SqsHeaders;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.support.MessageBuilder;

import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@code persist} refuses before it writes anything.
 */
class PersistFunctionTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	// Never called: every case fails before the upload.
	private final S3Client s3 = S3Client.builder().region(Aws.REGION).credentialsProvider(Aws.CREDENTIALS).build();

	private final PersistFunction persist = new PersistFunction(new ArchiveWriter(this.s3, "unused"),
			new ObjectKeys(ObjectKeys.DEFAULT_PREFIX), Clock.systemUTC(), this.meters);

	@Test
	void failsAMessageWithoutItsSqsIdInsteadOfInventingAKey() {
		var message = MessageBuilder.withPayload("{\"email_timestream\":1764201600}")
			.copyHeaders(Map.of("ingested-at", "2026-11-27T10:15:30.123Z"))
			.build();

		assertThatExceptionOfType(PersistException.class).isThrownBy(() -> this.persist.accept(message))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo("no-message-id"));
		assertThat(this.meters.counter("persist.failures", "reason", "no-message-id").count()).isEqualTo(1);
	}

	@Test
	void failsAMessageWithNeitherTimestamp() {
		var message = MessageBuilder.withPayload("{}")
			.copyHeaders(Map.of(SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, "66666666-6666-4666-8666-666666666666"))
			.build();

		assertThatExceptionOfType(PersistException.class).isThrownBy(() -> this.persist.accept(message))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo("no-timestamp"));
	}

}
