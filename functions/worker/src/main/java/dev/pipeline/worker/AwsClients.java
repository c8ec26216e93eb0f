package dev.pipeline.worker;

import java.time.Duration;

import dev.pipeline.core.AwsCallCounter;
import dev.pipeline.core.AwsSettings;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The SDK clients, configured from the SDK's standard settings, each request counted as
 * {@code aws.requests{service,operation}}. S3 uses path-style addressing when an endpoint
 * is overridden (emulators, LocalStack), virtual-hosted style on AWS.
 */
@Configuration(proxyBeanMethods = false)
class AwsClients {

	/** One S3 attempt: a stalled connection is retried well within the call's timeout. */
	private static final Duration ATTEMPT = Duration.ofSeconds(4);

	@Bean
	AwsCallCounter awsCallCounter(MeterRegistry meters) {
		return AwsCallCounter.counting(meters);
	}

	@Bean(destroyMethod = "close")
	SqsAsyncClient sqsAsyncClient(Environment environment, WorkerProperties properties, AwsCallCounter calls) {
		return AwsSettings.apply(SqsAsyncClient.builder(), "SQS", environment::getProperty)
			.httpClientBuilder(NettyNioAsyncHttpClient.builder()
				.maxConcurrency(Math.max(32, properties.queue().concurrency() / 2))
				.connectionTimeout(Duration.ofSeconds(2)))
			.overrideConfiguration(
					(config) -> config.addExecutionInterceptor(calls).apiCallTimeout(Duration.ofSeconds(30)))
			.build();
	}

	@Bean(destroyMethod = "close")
	S3Client s3Client(Environment environment, WorkerProperties properties, AwsCallCounter calls) {
		S3ClientBuilder builder = AwsSettings.apply(S3Client.builder(), "S3", environment::getProperty);
		// No flexible checksum per upload (CRC32 plus aws-chunked encoding): a profile of
		// a drain found it a large share of the worker's CPU for bodies of a few hundred
		// bytes; TLS guards the bytes in transit, and S3 still checks what a request
		// declares.
		Duration timeout = properties.bucket().timeout();
		return builder.forcePathStyle(hasEndpoint(environment))
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
			.httpClientBuilder(ApacheHttpClient.builder()
				.maxConnections(properties.queue().concurrency() + 8)
				.connectionTimeout(Duration.ofSeconds(2)))
			.overrideConfiguration((config) -> config.addExecutionInterceptor(calls)
				.apiCallTimeout(timeout)
				.apiCallAttemptTimeout((timeout.compareTo(ATTEMPT) < 0) ? timeout : ATTEMPT))
			.build();
	}

	private static boolean hasEndpoint(Environment environment) {
		return environment.containsProperty("AWS_ENDPOINT_URL_S3") || environment.containsProperty("AWS_ENDPOINT_URL");
	}

}
