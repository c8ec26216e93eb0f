package dev.pipeline.api;

import java.time.Duration;

import dev.pipeline.core.AwsCallCounter;
import dev.pipeline.core.AwsSettings;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The SDK clients, configured from the SDK's standard settings, each request counted as
 * {@code aws.requests{service,operation}}.
 */
@Configuration(proxyBeanMethods = false)
class AwsClients {

	@Bean
	AwsCallCounter awsCallCounter(MeterRegistry meters) {
		return AwsCallCounter.counting(meters);
	}

	@Bean(destroyMethod = "close")
	SqsAsyncClient sqsClient(Environment environment, ApiProperties properties, AwsCallCounter calls) {
		return AwsSettings.apply(SqsAsyncClient.builder(), "SQS", environment::getProperty)
			.httpClientBuilder(NettyNioAsyncHttpClient.builder()
				.maxConcurrency(properties.queue().connections())
				.connectionTimeout(Duration.ofSeconds(2))
				.connectionAcquisitionTimeout(Duration.ofSeconds(2)))
			// No per-attempt timeout: the SDK retries a timed-out attempt, and a send
			// that SQS
			// stored but answered late would be stored twice. A slow answer is awaited,
			// up to
			// the call's timeout (README, Worker: exactly once, and where it is at least
			// once).
			.overrideConfiguration(
					(config) -> config.addExecutionInterceptor(calls).apiCallTimeout(Duration.ofSeconds(5)))
			.build();
	}

	@Bean(destroyMethod = "close")
	SsmClient ssmClient(Environment environment, AwsCallCounter calls) {
		return AwsSettings.apply(SsmClient.builder(), "SSM", environment::getProperty)
			.httpClientBuilder(ApacheHttpClient.builder().maxConnections(4).connectionTimeout(Duration.ofSeconds(2)))
			.overrideConfiguration((config) -> config.addExecutionInterceptor(calls)
				.apiCallTimeout(Duration.ofSeconds(3))
				.apiCallAttemptTimeout(Duration.ofSeconds(1)))
			.build();
	}

}
