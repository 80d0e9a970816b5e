from training.train import app

app()
