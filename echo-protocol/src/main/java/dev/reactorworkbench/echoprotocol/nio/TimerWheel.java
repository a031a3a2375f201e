package dev.reactorworkbench.echoprotocol.nio;

/**
 * A hashed timer wheel (Varghese and Lauck), for idle timeouts: scheduling and cancelling are
 * O(1), and each loop turn only looks at the slots whose time has come, never at every connection.
 * Deadlines are rounded up to the next tick, so a timeout fires at most one tick late and never
 * early.
 *
 * <p>Single-threaded: schedule, cancel and {@link #expire} must all run on the owner thread (a
 * reactor's loop). The usual idle pattern does not reschedule on every read: keep a
 * "last activity" time in the connection, and when its timeout fires, close it if it has really
 * been idle that long, or schedule again for the remainder.
 */
public final class TimerWheel {

    private final long tickNanos;
    private final long startNanos;
    private final Timeout[] slots; // heads of doubly linked lists
    private final int mask;
    private long processedTick; // every tick up to this one has been expired
    private int size;
    private final java.util.ArrayList<Timeout> due = new java.util.ArrayList<>(); // scratch for expireSlot

    /**
     * @param tickNanos resolution; deadlines are rounded up to a multiple of it
     * @param slots     number of slots, rounded up to a power of two; a deadline further away
     *                  than {@code slots * tick} is simply visited once per revolution
     * @param nowNanos  the owner's clock now ({@link System#nanoTime()})
     */
    public TimerWheel(long tickNanos, int slots, long nowNanos) {
        if (tickNanos <= 0 || slots <= 0) {
            throw new IllegalArgumentException("tickNanos and slots must be positive");
        }
        int n = Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
        this.tickNanos = tickNanos;
        this.startNanos = nowNanos;
        this.slots = new Timeout[n];
        this.mask = n - 1;
    }

    /** Runs {@code task} on the owner thread, during the first {@link #expire} at or after {@code deadlineNanos}. */
    public Timeout schedule(long deadlineNanos, Runnable task) {
        Timeout t = new Timeout(this, task);
        insert(t, deadlineNanos);
        return t;
    }

    /** Moves a pending or fired timeout to a new deadline, reusing its object. */
    public void reschedule(Timeout t, long deadlineNanos) {
        if (t.wheel != this) {
            throw new IllegalArgumentException("timeout belongs to another wheel");
        }
        t.cancel();
        insert(t, deadlineNanos);
    }

    private void insert(Timeout t, long deadlineNanos) {
        long tick = Math.max(processedTick + 1, ceilDiv(deadlineNanos - startNanos, tickNanos));
        t.deadlineTick = tick;
        int index = (int) (tick & mask);
        t.next = slots[index];
        if (t.next != null) {
            t.next.prev = t;
        }
        t.prev = null;
        t.slot = index;
        slots[index] = t;
        size++;
    }

    /**
     * Fires every timeout whose deadline has passed. Tasks may schedule or cancel timeouts,
     * including their own.
     *
     * @return how many fired
     */
    public int expire(long nowNanos) {
        long nowTick = Math.floorDiv(nowNanos - startNanos, tickNanos);
        int fired = 0;
        // Visit each slot whose tick has come since the last call; one revolution covers them all.
        long from = processedTick + 1;
        long to = Math.min(nowTick, processedTick + slots.length);
        for (long tick = from; tick <= to; tick++) {
            fired += expireSlot((int) (tick & mask), nowTick);
        }
        if (nowTick > processedTick) {
            processedTick = nowTick;
        }
        return fired;
    }

    private int expireSlot(int index, long nowTick) {
        // Unlink the due timeouts first, then run them: a task may cancel or schedule any other
        // timeout, and must not pull the list out from under this walk.
        for (Timeout t = slots[index]; t != null; ) {
            Timeout next = t.next;
            if (t.deadlineTick <= nowTick) {
                t.cancel();
                due.add(t);
            }
            t = next;
        }
        int fired = due.size();
        try {
            for (int i = 0; i < fired; i++) {
                due.get(i).task.run();
            }
        } finally {
            due.clear();
        }
        return fired;
    }

    /** Nanoseconds from {@code nowNanos} to the next tick boundary; how long a selector may sleep. */
    public long nanosToNextTick(long nowNanos) {
        long elapsed = nowNanos - startNanos;
        return tickNanos - Math.floorMod(elapsed, tickNanos);
    }

    public int size() {
        return size;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** A scheduled task; cancel it when the connection closes. */
    public static final class Timeout {
        private final TimerWheel wheel;
        private final Runnable task;
        private Timeout prev;
        private Timeout next;
        private int slot = -1; // -1 when not in the wheel
        private long deadlineTick;

        private Timeout(TimerWheel wheel, Runnable task) {
            this.wheel = wheel;
            this.task = task;
        }

        /** Removes the timeout if it is still pending; harmless otherwise. Owner thread only. */
        public void cancel() {
            if (slot < 0) {
                return;
            }
            if (prev != null) {
                prev.next = next;
            } else {
                wheel.slots[slot] = next;
            }
            if (next != null) {
                next.prev = prev;
            }
            prev = null;
            next = null;
            slot = -1;
            wheel.size--;
        }

        public boolean isPending() {
            return slot >= 0;
        }
    }
}
