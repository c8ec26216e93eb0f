package dev.pipeline.core.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.AbstractDistributionSummary;
import io.micrometer.core.instrument.AbstractMeter;
import io.micrometer.core.instrument.AbstractTimer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.distribution.NoopHistogram;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;

/**
 * The meters of {@link EmfMeterRegistry}: each keeps what was recorded since it was last
 * drained (count, sum, maximum), not since it was created, and no histogram.
 */
final class IntervalMeters {

	private IntervalMeters() {
	}

	/**
	 * A meter that hands over what it counted since it was last asked, and forgets it.
	 */
	interface Drainable {

		Map<String, Double> drain();

	}

	static final class Counter extends AbstractMeter implements io.micrometer.core.instrument.Counter, Drainable {

		private final DoubleAdder count = new DoubleAdder();

		Counter(Meter.Id id) {
			super(id);
		}

		@Override
		public void increment(double amount) {
			this.count.add(amount);
		}

		@Override
		public double count() {
			return this.count.sum();
		}

		@Override
		public Map<String, Double> drain() {
			double count = this.count.sumThenReset();
			return (count == 0) ? Map.of() : Map.of(getId().getName(), count);
		}

	}

	/** Count, sum and maximum since the last drain; in milliseconds for a timer. */
	private static final class Interval {

		private final LongAdder count = new LongAdder();

		private final DoubleAdder sum = new DoubleAdder();

		private final AtomicLong maxBits = new AtomicLong(Double.doubleToLongBits(0));

		void record(double value) {
			this.count.increment();
			this.sum.add(value);
			this.maxBits.accumulateAndGet(Double.doubleToLongBits(value),
					(a, b) -> (Double.longBitsToDouble(b) > Double.longBitsToDouble(a)) ? b : a);
		}

		Map<String, Double> drain(String name) {
			long count = this.count.sumThenReset();
			double sum = this.sum.sumThenReset();
			double max = Double.longBitsToDouble(this.maxBits.getAndSet(Double.doubleToLongBits(0)));
			if (count == 0) {
				return Map.of();
			}
			Map<String, Double> values = new LinkedHashMap<>();
			values.put(name + ".sum", sum);
			values.put(name + ".count", (double) count);
			values.put(name + ".max", max);
			return values;
		}

	}

	static final class Timer extends AbstractTimer implements Drainable {

		private final Interval interval = new Interval();

		Timer(Meter.Id id, Clock clock, PauseDetector pauseDetector) {
			super(id, clock, pauseDetector, TimeUnit.MILLISECONDS, NoopHistogram.INSTANCE);
		}

		@Override
		protected void recordNonNegative(long amount, TimeUnit unit) {
			this.interval.record(unit.toNanos(amount) / 1_000_000.0);
		}

		@Override
		public long count() {
			return this.interval.count.sum();
		}

		@Override
		public double totalTime(TimeUnit unit) {
			return unit.convert(Math.round(this.interval.sum.sum() * 1_000_000), TimeUnit.NANOSECONDS);
		}

		@Override
		public double max(TimeUnit unit) {
			return unit.convert(Math.round(Double.longBitsToDouble(this.interval.maxBits.get()) * 1_000_000),
					TimeUnit.NANOSECONDS);
		}

		@Override
		public Map<String, Double> drain() {
			return this.interval.drain(getId().getName());
		}

	}

	static final class Summary extends AbstractDistributionSummary implements Drainable {

		private final Interval interval = new Interval();

		Summary(Meter.Id id, double scale) {
			super(id, scale, NoopHistogram.INSTANCE);
		}

		@Override
		protected void recordNonNegative(double amount) {
			this.interval.record(amount);
		}

		@Override
		public long count() {
			return this.interval.count.sum();
		}

		@Override
		public double totalAmount() {
			return this.interval.sum.sum();
		}

		@Override
		public double max() {
			return Double.longBitsToDouble(this.interval.maxBits.get());
		}

		@Override
		public Map<String, Double> drain() {
			return this.interval.drain(getId().getName());
		}

	}

}
