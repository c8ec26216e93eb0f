package dev.pipeline.worker;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the worker service. Each is set by the environment variable named in its
 * comment (Spring's relaxed binding), and README lists them all.
 *
 * @param queue the queue the worker drains
 * @param bucket the bucket it writes to
 * @param key the object-key layout
 * @param shutdown how long a stop may take
 * @param metrics the application's metrics in CloudWatch
 */
@Validated
@ConfigurationProperties("persist")
public record WorkerProperties(@Valid @DefaultValue Queue queue, @Valid @DefaultValue Bucket bucket,
		@Valid @DefaultValue Key key, @Valid @DefaultValue Shutdown shutdown, @Valid @DefaultValue Metrics metrics) {

	/**
	 * The longest a stop waits for: the long poll under way, one upload and the delete.
	 * @return their sum
	 */
	public Duration stopTakes() {
		return Shutdown.POLL.plus(this.bucket.timeout()).plus(Shutdown.DELETE);
	}

	@AssertTrue(
			message = "shutdown.budget must cover the long poll, one upload and the delete (10s + bucket.timeout + 2s)")
	boolean isBudgetCoveringAStop() {
		return this.shutdown.budget() == null || this.bucket.timeout() == null
				|| this.shutdown.budget().compareTo(stopTakes()) >= 0;
	}

	/**
	 * The SQS queue.
	 *
	 * @param name {@code PERSIST_QUEUE_NAME}: the queue's name
	 * @param concurrency {@code PERSIST_QUEUE_CONCURRENCY}: most messages in process at
	 * once, which is also the number of concurrent S3 uploads
	 */
	public record Queue(@NotBlank @DefaultValue("emails") String name,
			@Min(10) @Max(1000) @DefaultValue("64") int concurrency) {
	}

	/**
	 * The S3 bucket.
	 *
	 * @param name {@code PERSIST_BUCKET_NAME}: the bucket's name
	 * @param timeout {@code PERSIST_BUCKET_TIMEOUT}: the S3 call timeout, retries
	 * included: the longest one message's upload may take (1s to 60s)
	 */
	public record Bucket(@NotBlank @DefaultValue("ingest-pipeline-archive") String name,
			@NotNull @DefaultValue("10s") Duration timeout) {

		@AssertTrue(message = "timeout must be between 1s and 60s")
		boolean isTimeoutInRange() {
			return this.timeout == null || (this.timeout.compareTo(Duration.ofSeconds(1)) >= 0
					&& this.timeout.compareTo(Duration.ofSeconds(60)) <= 0);
		}

	}

	/**
	 * The object-key layout.
	 *
	 * @param prefix {@code PERSIST_KEY_PREFIX}: prefix of every key, e.g. {@code emails/}
	 */
	public record Key(@NotNull @DefaultValue("emails/") String prefix) {
	}

	/**
	 * Graceful shutdown.
	 *
	 * @param budget {@code PERSIST_SHUTDOWN_BUDGET}: how long a stop may take after
	 * SIGTERM: the long poll under way, the upload of what it received (the bucket's
	 * timeout) and the delete; at least their sum, and below the ECS stop timeout
	 */
	public record Shutdown(@NotNull @DefaultValue("25s") Duration budget) {

		/** The SQS long poll: an idle worker's stop waits for the one under way. */
		public static final Duration POLL = Duration.ofSeconds(10);

		/** The longest the final delete may take. */
		public static final Duration DELETE = Duration.ofSeconds(2);

		@AssertTrue(message = "budget must be between 1s and 110s (the ECS stop timeout is at most 120s)")
		boolean isBudgetInRange() {
			return this.budget == null
					|| (this.budget.toMillis() >= 1000 && this.budget.compareTo(Duration.ofSeconds(110)) <= 0);
		}

	}

	/**
	 * The application's metrics, published to CloudWatch as embedded metric format lines
	 * on standard output (modules/observability/metrics.json lists them).
	 *
	 * @param enabled {@code PERSIST_METRICS_ENABLED}: write the lines (on AWS); off, the
	 * meters stay behind the actuator port only
	 * @param namespace {@code PERSIST_METRICS_NAMESPACE}: the CloudWatch namespace, the
	 * environment's name prefix on AWS
	 * @param step {@code PERSIST_METRICS_STEP}: how often the lines are written, 1s to
	 * 1m; CloudWatch keeps a minute's resolution
	 */
	public record Metrics(@DefaultValue("false") boolean enabled,
			@NotBlank @DefaultValue("ingest-pipeline-local") String namespace,
			@NotNull @DefaultValue("60s") Duration step) {

		@AssertTrue(message = "step must be between 1s and 1m")
		boolean isStepInRange() {
			return this.step == null || (this.step.compareTo(Duration.ofSeconds(1)) >= 0
					&& this.step.compareTo(Duration.ofMinutes(1)) <= 0);
		}

	}

}
