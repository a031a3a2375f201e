package dev.reactorworkbench.servercore.nio;

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
    private long processedTick; // every tick up to this one has been (or, inside expire, is being) expired
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
        link(t, Math.max(processedTick + 1, ceilDiv(deadlineNanos - startNanos, tickNanos)));
        size++;
    }

    /** Puts {@code t} at the head of the slot for {@code tick}; size is the caller's business. */
    private void link(Timeout t, long tick) {
        t.deadlineTick = tick;
        int index = (int) (tick & mask);
        t.next = slots[index];
        if (t.next != null) {
            t.next.prev = t;
        }
        t.prev = null;
        t.slot = index;
        slots[index] = t;
    }

    /** Takes {@code t} out of its slot's list; size is the caller's business. */
    private void unlink(Timeout t) {
        if (t.prev != null) {
            t.prev.next = t.next;
        } else {
            slots[t.slot] = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
    }

    /**
     * Fires every timeout whose deadline has passed. Tasks may schedule or cancel timeouts,
     * including their own and others due in the same tick.
     *
     * @return how many fired
     */
    public int expire(long nowNanos) {
        long nowTick = Math.floorDiv(nowNanos - startNanos, tickNanos);
        int fired = 0;
        // Visit each tick since the last call, in order; after a pause longer than a revolution,
        // the last revolution visits every slot once.
        for (long tick = Math.max(processedTick + 1, nowTick - slots.length + 1); tick <= nowTick; tick++) {
            // Mark the tick done before running its tasks: a task that schedules a deadline already
            // passed then lands in a later tick of this walk (or the next one), not in a slot this
            // walk has left behind, where it would wait a whole revolution.
            processedTick = tick;
            fired += expireSlot((int) (tick & mask), nowTick);
        }
        return fired;
    }

    private int expireSlot(int index, long nowTick) {
        // 1. Unlink the due timeouts first, then run them: a task may cancel or schedule any other
        //    timeout, and must not pull the list out from under this walk.
        for (Timeout t = slots[index]; t != null; ) {
            Timeout next = t.next;
            if (t.deadlineTick <= nowTick) {
                unlink(t);
                t.slot = Timeout.DUE;
                due.add(t);
            }
            t = next;
        }
        // 2. Run them in turn, skipping any that an earlier task cancelled or rescheduled.
        int fired = 0;
        int i = 0;
        try {
            for (; i < due.size(); i++) {
                Timeout t = due.get(i);
                if (t.slot == Timeout.DUE) {
                    t.slot = Timeout.NOT_SCHEDULED;
                    size--;
                    fired++;
                    t.task.run();
                }
            }
        } finally {
            // A task threw: the due timeouts after it go back in the wheel for the next tick.
            for (i++; i < due.size(); i++) {
                Timeout t = due.get(i);
                if (t.slot == Timeout.DUE) {
                    link(t, processedTick + 1);
                }
            }
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
        static final int NOT_SCHEDULED = -1;
        static final int DUE = -2; // taken out of its slot by expire, about to run
        private int slot = NOT_SCHEDULED; // else the index of the slot holding it
        private long deadlineTick;

        private Timeout(TimerWheel wheel, Runnable task) {
            this.wheel = wheel;
            this.task = task;
        }

        /** Removes the timeout if it is still pending (even due in the tick now firing); harmless otherwise. Owner thread only. */
        public void cancel() {
            if (slot == NOT_SCHEDULED) {
                return;
            }
            if (slot != DUE) {
                wheel.unlink(this);
            }
            slot = NOT_SCHEDULED;
            wheel.size--;
        }

        /** True from scheduling until it has fired or been cancelled. */
        public boolean isPending() {
            return slot != NOT_SCHEDULED;
        }
    }
}
