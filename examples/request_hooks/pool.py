"""A stand-in for a connection pool, shared by both apps: it counts what is lent out."""


class Pool:
    def __init__(self) -> None:
        self.in_use = 0
        self.lent = 0

    def acquire(self) -> int:
        self.in_use += 1
        self.lent += 1
        return self.lent

    def release(self, connection: int) -> None:
        self.in_use -= 1
