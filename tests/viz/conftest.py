import sys
from pathlib import Path

# the graphics tests share small checks in helpers.py next to them
sys.path.insert(0, str(Path(__file__).resolve().parent))
