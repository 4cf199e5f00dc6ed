/// A binary min-heap of an event loop's timers, ordered by deadline and then by scheduling order, so
/// timers due at the same instant fire in the order they were scheduled. Each timer remembers its
/// index, so cancelling one removes it in O(log n) instead of leaving it to rot until its deadline.
///
/// Touched only on the owning loop's thread.
struct TimerHeap {
    private var storage: [EventLoop.Scheduled] = []

    var isEmpty: Bool { self.storage.isEmpty }
    var count: Int { self.storage.count }

    /// The timer due first.
    var first: EventLoop.Scheduled? { self.storage.first }

    mutating func insert(_ timer: EventLoop.Scheduled) {
        timer.heapIndex = self.storage.count
        self.storage.append(timer)
        self.siftUp(self.storage.count - 1)
    }

    /// Removes and returns the timer due first.
    mutating func removeFirst() -> EventLoop.Scheduled? {
        guard !self.storage.isEmpty else { return nil }
        return self.remove(at: 0)
    }

    /// Removes `timer` if it is still in the heap.
    mutating func remove(_ timer: EventLoop.Scheduled) {
        let index = timer.heapIndex
        guard index >= 0, index < self.storage.count, self.storage[index] === timer else { return }
        _ = self.remove(at: index)
    }

    /// Empties the heap, returning every timer still in it.
    mutating func removeAll() -> [EventLoop.Scheduled] {
        let all = self.storage
        self.storage.removeAll()
        for timer in all { timer.heapIndex = -1 }
        return all
    }

    private mutating func remove(at index: Int) -> EventLoop.Scheduled {
        let removed = self.storage[index]
        let last = self.storage.count - 1
        if index != last {
            self.storage.swapAt(index, last)
            self.storage[index].heapIndex = index
        }
        self.storage.removeLast()
        removed.heapIndex = -1
        if index < self.storage.count {
            self.siftDown(index)
            self.siftUp(index)
        }
        return removed
    }

    private static func precedes(_ a: EventLoop.Scheduled, _ b: EventLoop.Scheduled) -> Bool {
        a.deadline != b.deadline ? a.deadline < b.deadline : a.sequence < b.sequence
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(self.storage[child], self.storage[parent]) else { return }
            self.swap(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = self.storage.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            let right = left + 1
            var smallest = left
            if right < count, Self.precedes(self.storage[right], self.storage[left]) { smallest = right }
            guard Self.precedes(self.storage[smallest], self.storage[parent]) else { return }
            self.swap(smallest, parent)
            parent = smallest
        }
    }

    private mutating func swap(_ i: Int, _ j: Int) {
        self.storage.swapAt(i, j)
        self.storage[i].heapIndex = i
        self.storage[j].heapIndex = j
    }
}
