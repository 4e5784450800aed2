"""Documented facts of ``crm.item.productrow.list`` (the universal product rows), from
api-reference/crm/universal/product-rows/crm-item-productrow-list.md and the ``crm_item_product_row`` object
of api-reference/crm/data-types.md.
"""

from __future__ import annotations

from ..shapes import FLOAT, INT, STR, YN, MethodDoc, Obj, OneOf, Opt

_ROWS = "api-reference/crm/universal/product-rows"

METHODS = {
    "crm.item.productrow.list": MethodDoc(
        page=f"{_ROWS}/crm-item-productrow-list.md",
        not_emulated=(
            "owners other than deals (D) and leads (L) have no rows; stores (storeId null); access rights; "
            "the refusal of a filter without =ownerType/=ownerId is worded by the emulator"
        ),
    ),
}

#: the page's example response: every key of ``crm_item_product_row``, real numbers (``taxRate`` null in
#: the second row, ``storeId`` an int there; the emulator has no stores: null)
ITEM_PRODUCT_ROW = Obj(
    {
        "id": INT,
        "ownerId": INT,
        "ownerType": OneOf("D", "L"),
        "productId": INT,
        "productName": STR,
        "price": FLOAT,
        "priceAccount": FLOAT,
        "priceExclusive": FLOAT,
        "priceNetto": FLOAT,
        "priceBrutto": FLOAT,
        "quantity": FLOAT,
        "discountTypeId": OneOf(1, 2),
        "discountRate": FLOAT,
        "discountSum": FLOAT,
        "taxRate": Opt(FLOAT),
        "taxIncluded": YN,
        "customized": YN,
        "measureCode": INT,
        "measureName": STR,
        "sort": INT,
        "xmlId": STR,
        "type": INT,
        "storeId": Opt(INT),
    }
)
