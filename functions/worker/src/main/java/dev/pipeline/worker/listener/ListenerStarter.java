package dev.pipeline.worker.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.Objects;

import dev.pipeline.core.BackgroundRetry;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.worker.WorkerProperties;
import dev.pipeline.worker.persist.PersistFunction;
import io.awspring.cloud.sqs.listener.ListenerMode;
import io.awspring.cloud.sqs.listener.QueueNotFoundStrategy;
import io.awspring.cloud.sqs.listener.SqsContainerOptionsBuilder;
import io.awspring.cloud.sqs.listener.SqsMessageListenerContainer;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.awspring.cloud.sqs.support.converter.SqsMessagingMessageConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.thread.Threading;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.Message;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Owns the SQS listener container. It starts polling only once the bucket and the queue
 * are both reachable, so a misconfigured worker does not push every message towards the
 * dead-letter queue; until then {@code /health} reports DOWN. On stop it stops polling
 * and waits up to the shutdown budget for in-flight batches, whose deletes are part of
 * the batch.
 * <p>
 * It runs in the service (the web container on ECS); on AWS Lambda the event source
 * mapping polls instead, and {@link dev.pipeline.worker.lambda.SqsBatchFunction}
 * persists.
 */
@Component
@ConditionalOnWebApplication
public class ListenerStarter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ListenerStarter.class);

	private static final Duration MAX_RETRY = Duration.ofSeconds(10);

	private final SqsAsyncClient sqs;

	private final S3Client s3;

	private final WorkerProperties properties;

	private final SqsMessageListenerContainer<String> container;

	private final Executor uploads;

	private volatile BackgroundRetry checks;

	/** Guards starting the container against {@link #stop()}. */
	private final Object lifecycle = new Object();

	private boolean stopped;

	ListenerStarter(SqsAsyncClient sqs, S3Client s3, WorkerProperties properties, FunctionCatalog functions,
			Environment environment) {
		this.sqs = sqs;
		this.s3 = s3;
		this.properties = properties;
		boolean virtual = Threading.VIRTUAL.isActive(environment);
		// On JDK 21+ the batches and their uploads run on virtual threads: 64 pooled
		// platform threads of each kept ~20 MiB of stacks resident after a drain. The
		// container still bounds them: at most `concurrency` messages in process.
		this.uploads = virtual ? virtualThreads("upload-")
				: Executors.newFixedThreadPool(properties.queue().concurrency(), threads("upload-"));
		Consumer<Message<String>> persist = Objects.requireNonNull(
				functions.lookup(Consumer.class, PersistFunction.NAME),
				"The function catalog has no 'persist' function");
		this.container = buildContainer(sqs, properties, new BatchPersister(persist, this.uploads),
				virtual ? virtualThreads("persist-") : null);
	}

	private static SimpleAsyncTaskExecutor virtualThreads(String prefix) {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(prefix);
		executor.setVirtualThreads(true);
		return executor;
	}

	private static SqsMessageListenerContainer<String> buildContainer(SqsAsyncClient sqs, WorkerProperties properties,
			BatchPersister listener, TaskExecutor batches) {
		SqsMessagingMessageConverter converter = new SqsMessagingMessageConverter();
		// Keep the body as the raw string the API sent; never bind it to a type.
		converter.setPayloadTypeMapper((message) -> null);
		Duration budget = properties.shutdown().budget();
		return SqsMessageListenerContainer.<String>builder()
			.id("persist")
			.sqsAsyncClient(sqs)
			.queueNames(properties.queue().name())
			.messageListener(listener)
			.configure((options) -> withExecutor(options, batches).listenerMode(ListenerMode.BATCH)
				.maxConcurrentMessages(properties.queue().concurrency())
				.maxMessagesPerPoll(10)
				.pollTimeout(WorkerProperties.Shutdown.POLL)
				.acknowledgementMode(AcknowledgementMode.MANUAL)
				.acknowledgementInterval(Duration.ZERO)
				.acknowledgementThreshold(0)
				.queueNotFoundStrategy(QueueNotFoundStrategy.FAIL)
				.listenerShutdownTimeout(budget)
				.acknowledgementShutdownTimeout(WorkerProperties.Shutdown.DELETE)
				.messageAttributeNames(QueueMessage.ATTRIBUTE_NAMES)
				.messageSystemAttributeNames(List.of(MessageSystemAttributeName.SENT_TIMESTAMP))
				.messageConverter(converter)
				.autoStartup(false))
			.build();
	}

	private static SqsContainerOptionsBuilder withExecutor(SqsContainerOptionsBuilder options, TaskExecutor batches) {
		return (batches != null) ? options.componentsTaskExecutor(batches) : options;
	}

	/**
	 * Tells whether the worker is polling its queue.
	 * @return {@code true} once the bucket and queue were found and polling started
	 */
	public boolean isReady() {
		return this.container.isRunning();
	}

	private boolean startWhenReachable(Duration next) {
		try {
			this.s3.headBucket((request) -> request.bucket(this.properties.bucket().name()));
			this.sqs.getQueueUrl((request) -> request.queueName(this.properties.queue().name())).join();
			synchronized (this.lifecycle) {
				if (this.stopped) {
					return true;
				}
				this.container.start();
			}
			logger.atInfo()
				.addKeyValue("queue", this.properties.queue().name())
				.addKeyValue("bucket", this.properties.bucket().name())
				.addKeyValue("concurrency", this.properties.queue().concurrency())
				.log("Polling");
			return true;
		}
		catch (SdkException | java.util.concurrent.CompletionException ex) {
			logger.warn("Bucket {} or queue {} not reachable yet ({}); retrying in {} ms",
					this.properties.bucket().name(), this.properties.queue().name(), ex.getClass().getSimpleName(),
					next.toMillis());
			return false;
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycle) {
			this.stopped = false;
		}
		this.checks = BackgroundRetry.untilDone("listener-start", Duration.ofMillis(250), MAX_RETRY,
				this::startWhenReachable);
	}

	/**
	 * Stops polling. Safe against a start-up check that is under way: after this no check
	 * starts the container, and one that started it before is stopped here.
	 */
	@Override
	public void stop() {
		synchronized (this.lifecycle) {
			this.stopped = true;
		}
		BackgroundRetry checks = this.checks;
		this.checks = null;
		if (checks != null) {
			checks.close();
			try {
				checks.awaitClosed(Duration.ofSeconds(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (this.container.isRunning()) {
			logger.info("Stopping: no new polls; waiting for in-flight messages");
			this.container.stop();
			logger.info("Stopped");
		}
		if (this.uploads instanceof ExecutorService pool) {
			pool.shutdown();
		}
		else if (this.uploads instanceof SimpleAsyncTaskExecutor executor) {
			executor.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.checks != null;
	}

	private static java.util.concurrent.ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
