from django.db import models


class Item(models.Model):
    """A row of the list: about as wide as a row of the Secretariat's EOI list."""

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    country = models.CharField(max_length=100)
    status = models.CharField(max_length=20)
    amount = models.PositiveIntegerField()
    score = models.FloatField(null=True)
    summary = models.TextField()
    created = models.DateTimeField()

    def __str__(self):
        return self.reference


class Child(models.Model):
    """A child row of the detail page, as a review of an EOI."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="children")
    author = models.CharField(max_length=200)
    score = models.PositiveIntegerField()
    comment = models.TextField()

    def __str__(self):
        return f"{self.author} on {self.item_id}"
