package dev.pipeline.api;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the API service. Each is set by the environment variable named in its
 * comment (Spring's relaxed binding), and README lists them all.
 *
 * @param token where the token lives and how it is cached
 * @param queue the queue the API publishes to
 * @param body limits on request bodies
 * @param key the object-key layout the worker writes, reported to clients
 * @param shutdown what the web server does on SIGTERM
 * @param metrics the application's metrics in CloudWatch
 */
@Validated
@ConfigurationProperties("ingest")
public record ApiProperties(@Valid @DefaultValue Token token, @Valid @DefaultValue Queue queue,
		@Valid @DefaultValue Body body, @Valid @DefaultValue Key key, @Valid @DefaultValue Shutdown shutdown,
		@Valid @DefaultValue Metrics metrics) {

	/** The SQS message size limit, which no body limit may exceed. */
	public static final long SQS_MESSAGE_LIMIT = 1024 * 1024;

	/**
	 * The token in SSM Parameter Store.
	 *
	 * @param parameter {@code INGEST_TOKEN_PARAMETER}: name of the SecureString parameter
	 * @param ttl {@code INGEST_TOKEN_TTL}: how often the value is read again; a rotated
	 * token is accepted within this time
	 * @param grace {@code INGEST_TOKEN_GRACE}: how long the last value read stays valid
	 * while SSM cannot be read; at least {@code ttl}
	 * @param cooldown {@code INGEST_TOKEN_COOLDOWN}: least time between two reads caused
	 * by a token that did not match
	 */
	public record Token(@NotBlank @DefaultValue("/ingest-pipeline/token") String parameter,
			@NotNull @DefaultValue("60s") Duration ttl, @NotNull @DefaultValue("1h") Duration grace,
			@NotNull @DefaultValue("5s") Duration cooldown) {

		@AssertTrue(message = "ttl must be between 1s and 1h")
		boolean isTtlInRange() {
			return this.ttl == null
					|| (this.ttl.compareTo(Duration.ofSeconds(1)) >= 0 && this.ttl.compareTo(Duration.ofHours(1)) <= 0);
		}

		@AssertTrue(message = "grace must be at least ttl")
		boolean isGraceAtLeastTtl() {
			return this.ttl == null || this.grace == null || this.grace.compareTo(this.ttl) >= 0;
		}

		@AssertTrue(message = "cooldown must be between 100ms and ttl")
		boolean isCooldownInRange() {
			return this.ttl == null || this.cooldown == null
					|| (this.cooldown.toMillis() >= 100 && this.cooldown.compareTo(this.ttl) <= 0);
		}

	}

	/**
	 * The SQS queue.
	 *
	 * @param name {@code INGEST_QUEUE_NAME}: the queue's name, resolved to its URL at
	 * start
	 * @param connections {@code INGEST_QUEUE_CONNECTIONS}: most concurrent SQS HTTP
	 * connections
	 * @param linger {@code INGEST_QUEUE_LINGER}: the longest a message waits, while
	 * another send is in flight, to share a {@code SendMessageBatch}; it goes sooner when
	 * that send completes or ten are waiting, and at once when no send is in flight;
	 * {@code 0} sends each message alone
	 */
	public record Queue(@NotBlank @DefaultValue("emails") String name,
			@Min(1) @Max(4096) @DefaultValue("64") int connections, @NotNull @DefaultValue("5ms") Duration linger) {

		@AssertTrue(message = "linger must be between 0 and 100ms")
		boolean isLingerInRange() {
			return this.linger == null || (!this.linger.isNegative() && this.linger.toMillis() <= 100);
		}

	}

	/**
	 * Request body limits.
	 *
	 * @param limit {@code INGEST_BODY_LIMIT}: largest body accepted, at most the SQS
	 * message limit (1 MiB)
	 * @param depth {@code INGEST_BODY_DEPTH}: deepest JSON nesting accepted
	 * @param budget {@code INGEST_BODY_BUDGET}: most bytes of request bodies held at once
	 * (each counted at its declared length, or the limit); {@code 0}: a 32nd of the heap.
	 * On its way to the queue a body is held about six times over (bytes, text, bytes
	 * again, the parsed tree, the message, the SQS request), so the default keeps bodies
	 * within about a fifth of the heap. A request that finds no room within a second gets
	 * 503 with {@code Retry-After}.
	 */
	public record Body(@NotNull @DefaultValue("256KB") DataSize limit, @Min(2) @Max(500) @DefaultValue("32") int depth,
			@NotNull @DefaultValue("0") DataSize budget) {

		/**
		 * The budget in bytes: as set, or a 32nd of the heap, and never less than one
		 * body of the limit.
		 * @return the budget
		 */
		public long budgetBytes() {
			long bytes = (this.budget.toBytes() > 0) ? this.budget.toBytes() : Runtime.getRuntime().maxMemory() / 32;
			return Math.max(bytes, this.limit.toBytes());
		}

		@AssertTrue(message = "limit must be between 1KB and the SQS message limit of 1MB")
		boolean isLimitInRange() {
			return this.limit == null || (this.limit.toBytes() >= 1024 && this.limit.toBytes() <= SQS_MESSAGE_LIMIT);
		}

	}

	/**
	 * The object-key layout.
	 *
	 * @param prefix {@code INGEST_KEY_PREFIX}: the worker's key prefix, e.g.
	 * {@code emails/}
	 */
	public record Key(@NotNull @DefaultValue("emails/") String prefix) {
	}

	/**
	 * What the web server does on SIGTERM, before its graceful shutdown.
	 *
	 * @param drain {@code INGEST_SHUTDOWN_DRAIN}: how long it keeps its port open after
	 * SIGTERM, answering new requests 503 with {@code Retry-After} and
	 * {@code Connection: close}, so clients on kept-alive connections get an answer and
	 * move on instead of finding the connection gone; requests already accepted finish
	 */
	public record Shutdown(@NotNull @DefaultValue("2s") Duration drain) {

		@AssertTrue(message = "drain must be between 0 and 20s")
		boolean isDrainInRange() {
			return this.drain == null || (!this.drain.isNegative() && this.drain.toSeconds() <= 20);
		}

	}

	/**
	 * The application's metrics, published to CloudWatch as embedded metric format lines
	 * on standard output (modules/observability/metrics.json lists them).
	 *
	 * @param enabled {@code INGEST_METRICS_ENABLED}: write the lines (on AWS); off, the
	 * meters stay behind the actuator port only
	 * @param namespace {@code INGEST_METRICS_NAMESPACE}: the CloudWatch namespace, the
	 * environment's name prefix on AWS
	 * @param step {@code INGEST_METRICS_STEP}: how often the lines are written, 1s to 1m;
	 * CloudWatch keeps a minute's resolution
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
