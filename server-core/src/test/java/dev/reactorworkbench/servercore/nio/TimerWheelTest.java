package dev.reactorworkbench.servercore.nio;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The clock is a plain number the test moves: no sleeping, no real time. */
class TimerWheelTest {

    private static final long TICK = 100;
    private static final int SLOTS = 8; // one revolution = 800

    private long start;
    private long now;
    private TimerWheel wheel;
    private final List<String> fired = new ArrayList<>();
    private final Map<String, Long> firedAt = new HashMap<>();

    private void newWheel(long startNanos) {
        start = startNanos;
        now = startNanos;
        wheel = new TimerWheel(TICK, SLOTS, startNanos);
    }

    private Runnable record(String name) {
        return () -> {
            fired.add(name);
            firedAt.put(name, now - start);
        };
    }

    /** Moves the clock to {@code start + t}, calling expire at every step of {@code step} on the way. */
    private void advanceTo(long t, long step) {
        while (now - start < t) {
            now = start + Math.min(now - start + step, t); // may wrap past Long.MAX_VALUE, as System.nanoTime may
            wheel.expire(now);
        }
    }

    @ParameterizedTest(name = "clock starting at {0}")
    @ValueSource(longs = {0L, -5_000L, 123_456_789L, Long.MAX_VALUE - 1_000})
    @DisplayName("never fires early and at most one tick late, for deadlines over several revolutions")
    void neverEarlyAtMostOneTickLate(long startNanos) {
        newWheel(startNanos);
        List<Long> deadlines = new ArrayList<>();
        for (long d = 0; d <= 3 * SLOTS * TICK + 50; d += 7) {
            deadlines.add(d);
            wheel.schedule(start + d, record("d" + d));
        }
        assertThat(wheel.size()).isEqualTo(deadlines.size());

        advanceTo(3 * SLOTS * TICK + 200, 1);

        assertThat(fired).hasSameSizeAs(deadlines).doesNotHaveDuplicates();
        for (long d : deadlines) {
            assertThat(firedAt.get("d" + d) - d).as("lateness of deadline %d", d).isBetween(0L, TICK);
        }
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("a deadline several revolutions away is not fired when its slot comes round earlier")
    void beyondOneRevolution() {
        newWheel(1_000);
        long deadline = 3 * SLOTS * TICK + 50; // slot comes round at 50+, 850+, 1650+ first
        wheel.schedule(start + deadline, record("far"));

        advanceTo(deadline - 1, 10);
        assertThat(fired).isEmpty();
        advanceTo(deadline + TICK, 10);
        assertThat(fired).containsExactly("far");
        assertThat(firedAt.get("far")).isBetween(deadline, deadline + TICK);
    }

    @Test
    @DisplayName("one expire after a long pause fires everything due by then, and nothing that is not")
    void longPause() {
        newWheel(0);
        for (long d = 1; d <= 5_000; d += 13) {
            wheel.schedule(d, record("d" + d));
        }
        int total = wheel.size();

        now = 2_345; // tick 23: every deadline up to 2300 is due
        int n = wheel.expire(now);

        long due = fired.stream().mapToLong(s -> Long.parseLong(s.substring(1))).filter(d -> d <= 2_300).count();
        assertThat(n).isEqualTo(fired.size()).isEqualTo((int) due);
        assertThat(fired).allSatisfy(s -> assertThat(Long.parseLong(s.substring(1))).isLessThanOrEqualTo(2_300));
        assertThat(due).isEqualTo((2_300 - 1) / 13 + 1);
        assertThat(wheel.size()).isEqualTo(total - n);

        now = 100_000;
        wheel.expire(now);
        assertThat(fired).hasSize(total);
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("a cancelled timeout never fires, and cancelling twice is harmless")
    void cancel() {
        newWheel(0);
        TimerWheel.Timeout a = wheel.schedule(150, record("a"));
        wheel.schedule(150, record("b"));
        TimerWheel.Timeout c = wheel.schedule(950, record("c"));

        a.cancel();
        a.cancel();
        c.cancel();

        assertThat(a.isPending()).isFalse();
        assertThat(wheel.size()).isEqualTo(1);
        advanceTo(2_000, 10);
        assertThat(fired).containsExactly("b");
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("a fired timeout is no longer pending, and cancelling it does nothing")
    void firedIsNotPending() {
        newWheel(0);
        TimerWheel.Timeout a = wheel.schedule(150, record("a"));
        assertThat(a.isPending()).isTrue();

        advanceTo(200, 10);
        assertThat(a.isPending()).isFalse();
        a.cancel();
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("a task that reschedules itself fires once per period, never early")
    void reschedulesItself() {
        newWheel(-42);
        List<Long> times = new ArrayList<>();
        TimerWheel.Timeout[] self = new TimerWheel.Timeout[1];
        long[] deadline = {250};
        self[0] = wheel.schedule(start + deadline[0], () -> {
            times.add(now - start);
            assertThat(now - start).isGreaterThanOrEqualTo(deadline[0]);
            deadline[0] += 250;
            wheel.reschedule(self[0], start + deadline[0]);
        });

        advanceTo(1_100, 10);

        assertThat(times).hasSize(4); // due at 250, 500, 750, 1000
        for (int i = 0; i < times.size(); i++) {
            assertThat(times.get(i)).isBetween(250L * (i + 1), 250L * (i + 1) + TICK);
        }
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(self[0].isPending()).isTrue();
    }

    @Test
    @DisplayName("a task can cancel a timeout due later")
    void cancelsAnotherLater() {
        newWheel(0);
        TimerWheel.Timeout b = wheel.schedule(350, record("b"));
        wheel.schedule(150, () -> {
            fired.add("a");
            b.cancel();
        });

        advanceTo(1_000, 10);

        assertThat(fired).containsExactly("a");
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("a task can cancel a timeout due in the same tick, which then does not run")
    void cancelsAnotherDueNow() {
        newWheel(0);
        TimerWheel.Timeout[] ab = new TimerWheel.Timeout[2];
        ab[0] = wheel.schedule(150, () -> {
            fired.add("a");
            ab[1].cancel();
        });
        ab[1] = wheel.schedule(150, () -> {
            fired.add("b");
            ab[0].cancel();
        });

        advanceTo(1_000, 10);

        assertThat(fired).as("whichever runs first cancels the other").hasSize(1);
        assertThat(wheel.size()).isZero();
        assertThat(ab[0].isPending()).isFalse();
        assertThat(ab[1].isPending()).isFalse();
    }

    @Test
    @DisplayName("a task can move a timeout due in the same tick to a later deadline, where it fires once")
    void reschedulesAnotherDueNow() {
        newWheel(0);
        TimerWheel.Timeout[] ab = new TimerWheel.Timeout[2];
        for (int i = 0; i < 2; i++) {
            int me = i;
            ab[i] = wheel.schedule(150, () -> {
                fired.add(me == 0 ? "a" : "b");
                firedAt.put(me == 0 ? "a" : "b", now);
                TimerWheel.Timeout other = ab[1 - me];
                if (other.isPending() && now < 1_000) {
                    wheel.reschedule(other, 1_000);
                }
            });
        }

        advanceTo(2_000, 10);

        assertThat(fired).hasSize(2).containsExactlyInAnyOrder("a", "b");
        assertThat(firedAt.values()).containsExactlyInAnyOrder(200L, 1_000L);
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("a task that schedules a deadline already passed gets it fired within one tick")
    void taskSchedulesAlreadyDue() {
        newWheel(0);
        wheel.schedule(150, () -> {
            fired.add("a");
            wheel.schedule(now, record("now"));
            wheel.schedule(now - 60, record("past"));
        });

        advanceTo(200, 10);
        assertThat(fired).contains("a");
        advanceTo(200 + TICK, 10);

        assertThat(fired).containsExactlyInAnyOrder("a", "now", "past");
        assertThat(firedAt.get("now")).isBetween(200L, 200L + TICK);
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("a deadline already passed when scheduled fires at the next expire a tick later")
    void scheduledInThePast() {
        newWheel(0);
        advanceTo(530, 10);
        wheel.schedule(100, record("late"));

        advanceTo(600, 10);

        assertThat(fired).containsExactly("late");
        assertThat(firedAt.get("late")).isBetween(530L, 530L + TICK);
    }

    @Test
    @DisplayName("a task that throws loses no other timeout due in the same tick")
    void throwingTaskLosesNothing() {
        newWheel(0);
        wheel.schedule(150, record("kept"));
        wheel.schedule(150, () -> {
            throw new IllegalStateException("boom");
        });

        now = 200;
        try {
            wheel.expire(now);
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("boom");
        }
        now = 300;
        wheel.expire(now);

        assertThat(fired).containsExactly("kept");
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("size() counts what is scheduled and not yet fired or cancelled")
    void sizeTracks() {
        newWheel(0);
        assertThat(wheel.size()).isZero();
        TimerWheel.Timeout a = wheel.schedule(150, record("a"));
        TimerWheel.Timeout b = wheel.schedule(250, record("b"));
        wheel.schedule(2_050, record("c"));
        assertThat(wheel.size()).isEqualTo(3);

        wheel.reschedule(b, 350);
        assertThat(wheel.size()).as("rescheduling a pending timeout").isEqualTo(3);
        a.cancel();
        assertThat(wheel.size()).isEqualTo(2);
        advanceTo(400, 10);
        assertThat(fired).containsExactly("b");
        assertThat(wheel.size()).isEqualTo(1);
        wheel.reschedule(b, 600);
        assertThat(wheel.size()).as("rescheduling a fired timeout").isEqualTo(2);
        advanceTo(3_000, 10);
        assertThat(fired).containsExactly("b", "b", "c");
        assertThat(wheel.size()).isZero();
    }

    @Test
    @DisplayName("nanosToNextTick says how long a selector may sleep before the next tick")
    void nanosToNextTick() {
        newWheel(1_000);
        assertThat(wheel.nanosToNextTick(1_000)).isEqualTo(TICK);
        assertThat(wheel.nanosToNextTick(1_030)).isEqualTo(70);
        assertThat(wheel.nanosToNextTick(1_099)).isEqualTo(1);
        assertThat(wheel.nanosToNextTick(1_100)).isEqualTo(TICK);
    }

    @Test
    @DisplayName("rejects a non-positive tick or slot count, and a timeout from another wheel")
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new TimerWheel(0, 8, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TimerWheel(100, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        newWheel(0);
        TimerWheel other = new TimerWheel(TICK, SLOTS, 0);
        TimerWheel.Timeout foreign = other.schedule(100, () -> { });
        assertThatThrownBy(() -> wheel.reschedule(foreign, 200)).isInstanceOf(IllegalArgumentException.class);
    }
}
