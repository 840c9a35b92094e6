from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Item

PER_PAGE = 50


def item_list(request):
    items = Paginator(Item.objects.defer("summary").order_by("reference"), PER_PAGE)
    return render(request, "floor/list.html", {"page": items.get_page(request.GET.get("page"))})


def item_detail(request, pk):
    item = get_object_or_404(Item, pk=pk)
    return render(
        request, "floor/detail.html", {"item": item, "children": item.children.order_by("id")}
    )


def healthz(request):
    return HttpResponse("ok")
