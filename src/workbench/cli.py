"""cli."""

def main():
    pass
